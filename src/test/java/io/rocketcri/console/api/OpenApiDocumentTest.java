package io.rocketcri.console.api;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.rocketcri.testsupport.RuntimeUnderTest;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The OpenAPI document the runtime serves is the one springdoc generates from the API's
 * controllers. springdoc runs here only (it is a test dependency); when a controller changes,
 * the first test fails until the committed document is regenerated:
 * {@code ./mvnw test -Dtest=OpenApiDocumentTest -Dopenapi.write=true}, then review and commit
 * the diff of {@value #COMMITTED}.
 */
@SpringBootTest(properties = { "springdoc.api-docs.enabled=true",
		"springdoc.api-docs.path=" + OpenApiDocumentTest.GENERATED, "springdoc.paths-to-match=/api/**",
		"springdoc.writer-with-order-by-keys=true" })
@AutoConfigureMockMvc
class OpenApiDocumentTest {

	static final String GENERATED = "/v3/generated-api-docs";

	static final String COMMITTED = "src/main/resources/" + OpenApiDocumentController.DOCUMENT;

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("openapi");

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		runtime.register(registry);
	}

	@Autowired
	MockMvc mvc;

	@TestConfiguration
	static class DocumentInfo {

		@Bean
		OpenAPI rocketCriApi() {
			return new OpenAPI().info(new Info().title("rocket-cri REST API")
				.version("v1")
				.description("The node's pods, containers, images, logs, events and stats for automation. "
						+ "Send Authorization: Bearer <token> (tokens are made in the console's Access page); "
						+ "errors are application/problem+json. See docs/rest-api.md."));
		}

	}

	@Autowired
	JsonMapper json;

	@Test
	void theCommittedDocumentIsWhatTheControllersDescribe() throws Exception {
		String generated = this.mvc.perform(get(GENERATED).with(user("u").roles("VIEWER")))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString(StandardCharsets.UTF_8);
		ObjectNode document = (ObjectNode) this.json.readTree(generated);
		// springdoc names the server it was asked through; the served document is relative to
		// wherever the runtime is reached
		document.remove("servers");
		String expected = this.json.writerWithDefaultPrettyPrinter().writeValueAsString(document) + "\n";
		Path committed = Path.of(COMMITTED);
		if (Boolean.getBoolean("openapi.write")) {
			Files.writeString(committed, expected);
		}
		assertThat(Files.readString(committed))
			.as("%s is not what the API's controllers describe: regenerate it with "
					+ "./mvnw test -Dtest=OpenApiDocumentTest -Dopenapi.write=true, review the diff and commit it",
					COMMITTED)
			.isEqualTo(expected);
	}

	@Test
	void theRuntimeServesTheDocumentToSignedInUsersOnly() throws Exception {
		String committed = Files.readString(Path.of(COMMITTED));
		this.mvc.perform(get("/v3/api-docs").with(user("u").roles("VIEWER")))
			.andExpect(status().isOk())
			.andExpect(header().string("Content-Type", startsWith("application/json")))
			.andExpect(content().string(committed))
			.andExpect(jsonPath("$.openapi").value(startsWith("3.")))
			.andExpect(jsonPath("$.paths['/api/v1/pods'].get").exists())
			.andExpect(jsonPath("$.paths['/api/v1/containers/{id}/logs'].get").exists())
			.andExpect(jsonPath("$.paths['/api/v1/images/pull'].post").exists())
			.andExpect(jsonPath("$.paths['/login']").doesNotExist())
			.andExpect(jsonPath("$.servers").doesNotExist());
		this.mvc.perform(get("/v3/api-docs")).andExpect(status().isUnauthorized());
		this.mvc.perform(get("/swagger-ui.html").with(user("u").roles("VIEWER")))
			.andExpect(status().isFound())
			.andExpect(header().string("Location", "/swagger-ui/index.html"));
	}

}
