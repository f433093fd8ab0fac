package io.rocketcri.console.api;

import io.rocketcri.testsupport.RuntimeUnderTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.hamcrest.Matchers.startsWith;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** springdoc serves the API's OpenAPI document and Swagger UI in the running application. */
@SpringBootTest
@AutoConfigureMockMvc
class OpenApiDocumentTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("openapi");

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		runtime.register(registry);
	}

	@Autowired
	MockMvc mvc;

	@Test
	void theDocumentDescribesTheApiAndOnlyIt() throws Exception {
		mvc.perform(get("/v3/api-docs").with(user("u").roles("VIEWER")))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.openapi").value(startsWith("3.")))
			.andExpect(jsonPath("$.paths['/api/v1/pods'].get").exists())
			.andExpect(jsonPath("$.paths['/api/v1/containers/{id}/logs'].get").exists())
			.andExpect(jsonPath("$.paths['/api/v1/images/pull'].post").exists())
			.andExpect(jsonPath("$.paths['/login']").doesNotExist());
		mvc.perform(get("/v3/api-docs")).andExpect(status().isUnauthorized());
		mvc.perform(get("/swagger-ui.html").with(user("u").roles("VIEWER")))
			.andExpect(status().is3xxRedirection())
			.andExpect(header().string("Location", startsWith("/swagger-ui/index.html")));
	}

}
