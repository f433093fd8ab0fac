package io.rocketcri.console.api;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.rocketcri.console.security.ApiTokens;
import io.rocketcri.console.security.TokenScope;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.CreateContainerRequest;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.LinuxPodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.cri.api.RemovePodSandboxRequest;
import io.rocketcri.cri.api.RunPodSandboxRequest;
import io.rocketcri.cri.api.StartContainerRequest;
import io.rocketcri.cri.api.StopPodSandboxRequest;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.OciImageBuilder;
import io.rocketcri.testsupport.PushedImage;
import io.rocketcri.testsupport.RuntimeUnderTest;
import io.rocketcri.testsupport.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.RequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The REST API on a real runtime with the real security chain: pull an image from the test
 * registry reading the NDJSON progress, run a pod through CRI, then read its containers' logs
 * (tail, timestamps, follow to the container's exit), list with filters, exec, preview a prune.
 */
@Tag("host")
@SpringBootTest
@AutoConfigureMockMvc
class RestApiHostTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("rest");

	static final TestRegistry registry = TestRegistry.shared();

	static final String BRIDGE = "rcri-rest0";

	static final JsonMapper JSON = JsonMapper.shared();

	static CriSocketClient client;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry props) throws IOException {
		runtime.register(props);
		runtime.bridgeNetwork("rocket-rest", BRIDGE, "10.232.40.0/24", false);
		runtime.trustRegistry(registry.address());
	}

	@Autowired
	MockMvc mvc;

	@Autowired
	ApiTokens tokens;

	static final RequestPostProcessor ADMIN = user("ops").roles("VIEWER", "ADMIN");

	static final RequestPostProcessor VIEWER = user("watcher").roles("VIEWER");

	@AfterAll
	static void tearDown() throws Exception {
		if (client != null) {
			client.close();
		}
		new ProcessBuilder("ip", "link", "del", BRIDGE).start().waitFor();
	}

	String streamed(RequestBuilder request) throws Exception {
		MvcResult started = mvc.perform(request).andExpect(request().asyncStarted()).andReturn();
		started.getAsyncResult(Duration.ofSeconds(60).toMillis());
		return mvc.perform(asyncDispatch(started)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
	}

	List<JsonNode> pull(String image) throws Exception {
		String body = streamed(post("/api/v1/images/pull").with(ADMIN).with(csrf())
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"image\":\"" + image + "\"}"));
		return body.lines().map(JSON::readTree).toList();
	}

	@Test
	void anOperatorDrivesTheNodeThroughTheApi() throws Exception {
		client = new CriSocketClient(runtime.socket());
		PushedImage busybox = registry.pusher()
			.push(OciImageBuilder.busybox().cmd("sh").build(), TestRegistry.uniqueRepository("rest"), "v1");

		// pull: resolved, per-layer progress, done with the image id
		List<JsonNode> progress = pull(busybox.reference());
		assertThat(progress.getFirst().get("status").asString()).isEqualTo("resolved");
		assertThat(progress.getFirst().get("layers")).isNotEmpty();
		assertThat(progress).anySatisfy(l -> assertThat(l.get("status").asString()).isEqualTo("downloading"));
		assertThat(progress.getLast().get("status").asString()).isEqualTo("done");
		assertThat(progress.getLast().get("imageId").asString()).isEqualTo(busybox.imageId());
		assertThat(pull(busybox.reference()).getLast().get("status").asString()).as("second pull: already here")
			.isEqualTo("done");

		// a pod with a long-running and a short-lived container, through CRI as kubelet would
		PodSandboxConfig pod = PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder().setName("api-pod").setNamespace("rest").setUid(UUID.randomUUID().toString()))
			.setHostname("api-pod")
			.setLogDirectory(runtime.root().resolve("logs/api-pod").toString())
			.setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/rocket-cri-rest"))
			.putLabels("app", "api")
			.build();
		String podId = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId();
		try {
			String talker = create(podId, pod, busybox, "talker", "echo one; echo two; echo three >&2; exec sleep 300");
			String brief = create(podId, pod, busybox, "brief", "echo first; sleep 2; echo second");
			client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(talker).build());
			client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(brief).build());

			// follow reads to the exit of the container, and no further
			String followed = streamed(get("/api/v1/containers/" + brief + "/logs").param("follow", "true").with(VIEWER));
			assertThat(followed).isEqualTo("first\nsecond\n");

			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
					streamed(get("/api/v1/containers/" + talker + "/logs").with(VIEWER)).lines()).hasSize(3));
			String tail = streamed(get("/api/v1/containers/" + talker + "/logs").param("tailLines", "2")
				.param("timestamps", "true").with(VIEWER));
			assertThat(tail.lines().toList()).hasSize(2);
			assertThat(tail.lines().toList().get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z two");
			assertThat(tail.lines().toList().get(1)).endsWith("Z three");
			String stderr = streamed(get("/api/v1/containers/" + talker + "/logs").param("stream", "stderr")
				.accept("application/x-ndjson").with(VIEWER));
			assertThat(JSON.readTree(stderr.strip()).get("log").asString()).isEqualTo("three");

			// lists with filters
			mvc.perform(get("/api/v1/containers").param("namespace", "^rest$").param("state", "running")
				.param("pod", podId.substring(0, 12)).with(VIEWER))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.items.length()").value(1))
				.andExpect(jsonPath("$.items[0].id").value(talker))
				.andExpect(jsonPath("$.items[0].imageId").value(busybox.imageId()));
			mvc.perform(get("/api/v1/pods").param("labelSelector", "app=api").param("name", "^api-").with(VIEWER))
				.andExpect(jsonPath("$.items[0].id").value(podId))
				.andExpect(jsonPath("$.items[0].ips[0]").value(org.hamcrest.Matchers.startsWith("10.232.40.")));
			mvc.perform(get("/api/v1/containers/" + brief).with(VIEWER))
				.andExpect(jsonPath("$.container.state").value("exited"))
				.andExpect(jsonPath("$.exitCode").value(0))
				.andExpect(jsonPath("$.reason").value("Completed"));

			// exec
			mvc.perform(post("/api/v1/containers/" + talker + "/exec").with(ADMIN).with(csrf())
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"command\":[\"sh\",\"-c\",\"hostname; echo bad >&2; exit 4\"],\"timeoutSeconds\":10}"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.exitCode").value(4))
				.andExpect(jsonPath("$.stdout").value("api-pod\n"))
				.andExpect(jsonPath("$.stderr").value("bad\n"));

			// prune preview: an image nobody uses goes, the one in use stays
			PushedImage unused = registry.pusher()
				.push(OciImageBuilder.busybox().cmd("true").env("UNUSED=1").build(), TestRegistry.uniqueRepository("rest-unused"), "v1");
			assertThat(pull(unused.reference()).getLast().get("status").asString()).isEqualTo("done");
			JsonNode preview = JSON.readTree(mvc.perform(get("/api/v1/images/prune").with(VIEWER))
				.andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
			List<String> going = preview.get("images").valueStream().map(i -> i.get("id").asString()).toList();
			assertThat(going).contains(unused.imageId()).doesNotContain(busybox.imageId());

			// security: who may do what, as problems
			mvc.perform(get("/api/v1/pods")).andExpect(status().isUnauthorized())
				.andExpect(jsonPath("$.code").value("unauthenticated"));
			mvc.perform(post("/api/v1/containers/" + talker + "/stop").with(VIEWER).with(csrf()))
				.andExpect(status().isForbidden())
				.andExpect(jsonPath("$.code").value("forbidden"));
			String readToken = tokens.create("ci-read", TokenScope.READ, Duration.ofHours(1), "test").secret();
			mvc.perform(get("/api/v1/containers/" + talker).header("Authorization", "Bearer " + readToken))
				.andExpect(status().isOk());
			mvc.perform(post("/api/v1/images/prune").header("Authorization", "Bearer " + readToken))
				.andExpect(status().isForbidden());

			mvc.perform(post("/api/v1/containers/" + talker + "/stop").param("timeoutSeconds", "1").with(ADMIN).with(csrf()))
				.andExpect(status().isNoContent());
			mvc.perform(get("/api/v1/events").with(VIEWER))
				.andExpect(jsonPath("$.items[?(@.containerId == '" + talker + "' && @.type == 'STOPPED')]").exists());
		}
		finally {
			client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
			client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
		}
		mvc.perform(get("/api/v1/pods/" + podId).with(VIEWER)).andExpect(status().isNotFound())
			.andExpect(jsonPath("$.code").value("not-found"));
	}

	static String create(String podId, PodSandboxConfig pod, PushedImage image, String name, String script) {
		return client.runtime()
			.createContainer(CreateContainerRequest.newBuilder()
				.setPodSandboxId(podId)
				.setSandboxConfig(pod)
				.setConfig(ContainerConfig.newBuilder()
					.setMetadata(ContainerMetadata.newBuilder().setName(name))
					.setImage(ImageSpec.newBuilder().setImage(image.reference()))
					.addAllCommand(List.of("sh", "-c", script))
					.setLogPath(name + "/0.log"))
				.build())
			.getContainerId();
	}

}
