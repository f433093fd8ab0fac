package io.rocketcri.image.archive;

import java.io.ByteArrayInputStream;
import java.util.List;

import io.rocketcri.image.ImageRecord;
import io.rocketcri.testsupport.LayerBuilder;
import io.rocketcri.testsupport.RuntimeUnderTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Import and export over the REST API, with the real security chain and image store. */
@SpringBootTest
@AutoConfigureMockMvc
class ImageArchivesRestTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("archives-rest");

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		runtime.register(registry);
	}

	@Autowired
	MockMvc mvc;

	@Autowired
	ImageArchives archives;

	@Test
	void anAdminImportsAnAciAndExportsItAsAnOciLayoutThatReimportsToTheSameImage() throws Exception {
		byte[] aci = ArchiveFixtures.aci(ArchiveFixtures.aciManifest("example.com/rest", "3", null),
				LayerBuilder.create().file("etc/motd", "from rest\n"));
		String body = mvc.perform(post("/api/v1/images/import").param("filename", "rest.aci")
			.content(aci)
			.contentType("application/x-tar")
			.with(user("ops").roles("VIEWER", "ADMIN"))
			.with(csrf()))
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.items[0].repoTags[0]").value("example.com/rest:3"))
			.andReturn()
			.getResponse()
			.getContentAsString();
		String id = com.jayway.jsonpath.JsonPath.read(body, "$.items[0].id");

		MvcResult started = mvc.perform(get("/api/v1/images/" + id + "/export").with(user("v").roles("VIEWER")))
			.andExpect(request().asyncStarted())
			.andReturn();
		MvcResult exported = mvc.perform(asyncDispatch(started))
			.andExpect(status().isOk())
			.andExpect(header().string("Content-Disposition", org.hamcrest.Matchers.endsWith(".oci.tar\"")))
			.andReturn();
		byte[] tar = exported.getResponse().getContentAsByteArray();
		List<ImageRecord> again = archives.importArchive(new ByteArrayInputStream(tar), "again.tar");
		assertThat(again).singleElement().satisfies(i -> assertThat(i.names()).contains("example.com/rest:3"));
	}

	@Test
	void aViewerCannotImportAndAHostileArchiveIsAProblem() throws Exception {
		byte[] aci = ArchiveFixtures.aci(ArchiveFixtures.aciManifest("example.com/nope", "1", null),
				LayerBuilder.create().file("etc/motd", "x\n"));
		mvc.perform(post("/api/v1/images/import").content(aci).with(user("v").roles("VIEWER")).with(csrf()))
			.andExpect(status().isForbidden());
		byte[] escaping = ArchiveFixtures.tar(List.of(ArchiveFixtures.Member.file("manifest", "{}"),
				ArchiveFixtures.Member.file("rootfs/../../etc/evil", "x")));
		mvc.perform(post("/api/v1/images/import").content(escaping)
			.with(user("ops").roles("VIEWER", "ADMIN"))
			.with(csrf()))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("invalid-argument"));
		mvc.perform(get("/api/v1/images/sha256:" + "0".repeat(64) + "/export").with(user("v").roles("VIEWER")))
			.andExpect(status().isNotFound());
	}

}
