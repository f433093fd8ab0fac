package io.rocketcri.console.api;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.rocketcri.container.ContainerEvent;
import io.rocketcri.container.ContainerState;
import io.rocketcri.engine.PodEngine;
import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.failure.Unavailable;
import io.rocketcri.image.ImageRecord;
import io.rocketcri.image.ImageService;
import io.rocketcri.image.PullListener;
import io.rocketcri.image.PullProgress;
import io.rocketcri.logs.ContainerLogs;
import io.rocketcri.logs.LogLine;
import io.rocketcri.logs.LogOptions;
import io.rocketcri.logs.LogSink;
import io.rocketcri.logs.LogStream;
import io.rocketcri.pod.PodFilter;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxState;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MvcResult;

import static io.rocketcri.console.api.ApiFixtures.CONTAINER_ID;
import static io.rocketcri.console.api.ApiFixtures.IMAGE_ID;
import static io.rocketcri.console.api.ApiFixtures.POD_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** What the resources look like in JSON and how filters and formats reach the capabilities. */
class ApiResourcesTest extends ApiMvcTest {

	static final PodSandbox WEB = ApiFixtures.pod(POD_ID, "web-1", "shop", PodSandboxState.READY, Map.of("app", "web", "tier", "front"));

	static final PodSandbox DB = ApiFixtures.pod("b".repeat(64), "db-1", "shop", PodSandboxState.READY, Map.of("app", "db"));

	static final PodSandbox KUBE = ApiFixtures.pod("f".repeat(64), "dns", "kube-system", PodSandboxState.NOTREADY, Map.of());

	@Test
	void podsAreFilteredByNameNamespaceLabelsAndLimited() throws Exception {
		when(pods.list(any())).thenReturn(List.of(WEB, DB, KUBE));
		mvc.perform(get("/api/v1/pods").param("namespace", "^shop$").param("labelSelector", "app!=db"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.items.length()").value(1))
			.andExpect(jsonPath("$.items[0].id").value(POD_ID))
			.andExpect(jsonPath("$.items[0].name").value("web-1"))
			.andExpect(jsonPath("$.items[0].state").value("ready"))
			.andExpect(jsonPath("$.items[0].createdTime").value("2023-11-14T22:13:20.123456789Z"))
			.andExpect(jsonPath("$.items[0].labels.tier").value("front"));
		mvc.perform(get("/api/v1/pods").param("name", "-1$").param("limit", "1"))
			.andExpect(jsonPath("$.items.length()").value(1))
			.andExpect(jsonPath("$.items[0].name").value("web-1"));
		mvc.perform(get("/api/v1/pods").param("state", "NotReady").param("id", "ff"));
		ArgumentCaptor<PodFilter> filter = ArgumentCaptor.forClass(PodFilter.class);
		verify(pods, org.mockito.Mockito.atLeastOnce()).list(filter.capture());
		assertThat(filter.getValue().state()).isEqualTo(PodSandboxState.NOTREADY);
		assertThat(filter.getValue().idPrefix()).isEqualTo("ff");
	}

	@Test
	void aContainerShowsItsStatusMountsAndResourcesButNoEnvironmentValues() throws Exception {
		var c = ApiFixtures.container(CONTAINER_ID, POD_ID, "app", ContainerState.EXITED, Map.of());
		when(containers.status(CONTAINER_ID)).thenReturn(c);
		when(pods.get(POD_ID)).thenReturn(WEB);
		PodEngine engine = mock(PodEngine.class);
		when(pods.engine(WEB)).thenReturn(engine);
		when(engine.paths(CONTAINER_ID)).thenReturn(new PodEngine.ContainerPaths(Path.of("/run/b"), Path.of("/run/b/rootfs")));
		when(images.byId(IMAGE_ID)).thenReturn(java.util.Optional.of(ApiFixtures.image(IMAGE_ID, List.of("registry.local/app:v1"))));
		mvc.perform(get("/api/v1/containers/" + CONTAINER_ID))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.container.id").value(CONTAINER_ID))
			.andExpect(jsonPath("$.container.podName").value("web-1"))
			.andExpect(jsonPath("$.container.state").value("exited"))
			.andExpect(jsonPath("$.container.imageRef").value("registry.local/app@sha256:" + "d".repeat(64)))
			.andExpect(jsonPath("$.exitCode").value(3))
			.andExpect(jsonPath("$.reason").value("Error"))
			.andExpect(jsonPath("$.finishedTime").value("2023-11-14T22:13:22Z"))
			.andExpect(jsonPath("$.logPath").value("/var/log/pods/x/app/1.log"))
			.andExpect(jsonPath("$.mounts[0].hostPath").value("/srv/data"))
			.andExpect(jsonPath("$.mounts[0].readOnly").value(true))
			.andExpect(jsonPath("$.env[0].name").value("DB_PASSWORD"))
			.andExpect(jsonPath("$.env[0].value").value("***"))
			.andExpect(jsonPath("$.inspect.metadata.name").value("app"))
			.andExpect(jsonPath("$.inspect.envs[0].value").value("***"))
			.andExpect(jsonPath("$.info.rootfs").value("/run/b/rootfs"))
			.andExpect(content().string(not(containsString("hunter2"))));
	}

	@Test
	void containersAreFilteredLikeCrictlPs() throws Exception {
		var running = ApiFixtures.container(CONTAINER_ID, POD_ID, "nginx", ContainerState.RUNNING, Map.of("app", "web"));
		var other = ApiFixtures.container("d".repeat(64), DB.id(), "mysql", ContainerState.RUNNING, Map.of("app", "db"));
		when(pods.list(PodFilter.ALL)).thenReturn(List.of(WEB, DB));
		when(containers.list(any())).thenReturn(List.of(running, other));
		mvc.perform(get("/api/v1/containers").param("name", "ngin").param("namespace", "shop").param("image", "app:v1")
			.param("labelSelector", "app=web"))
			.andExpect(jsonPath("$.items.length()").value(1))
			.andExpect(jsonPath("$.items[0].name").value("nginx"))
			.andExpect(jsonPath("$.items[0].podNamespace").value("shop"));
		mvc.perform(get("/api/v1/containers").param("namespace", "kube-system")).andExpect(jsonPath("$.items.length()").value(0));
	}

	@Test
	void execReturnsTheOutputAsText() throws Exception {
		when(containers.execSync(eq(CONTAINER_ID), eq(List.of("sh", "-c", "echo hi; exit 3")), eq(java.time.Duration.ofSeconds(5))))
			.thenReturn(new PodEngine.ExecOutput(3, "hi\n".getBytes(), "oops".getBytes(), false));
		mvc.perform(post("/api/v1/containers/" + CONTAINER_ID + "/exec").contentType(MediaType.APPLICATION_JSON)
			.content("{\"command\":[\"sh\",\"-c\",\"echo hi; exit 3\"],\"timeoutSeconds\":5}"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.exitCode").value(3))
			.andExpect(jsonPath("$.stdout").value("hi\n"))
			.andExpect(jsonPath("$.stderr").value("oops"));
	}

	static final Instant T = Instant.parse("2026-01-10T10:00:00.5Z");

	/** A session that hands out two lines (one from stderr, one cut partial), whatever the options. */
	ContainerLogs.LogSession session(ArgumentCaptor<LogOptions> options) throws Exception {
		ContainerLogs.LogSession session = mock(ContainerLogs.LogSession.class);
		when(logs.open(eq(CONTAINER_ID), options.capture())).thenReturn(session);
		when(session.container()).thenReturn(ApiFixtures.container(CONTAINER_ID, POD_ID, "app", ContainerState.RUNNING, Map.of()));
		doAnswer(call -> {
			LogSink sink = call.getArgument(0);
			sink.accept(new LogLine(T, LogStream.STDOUT, "hello", false, 40));
			sink.accept(new LogLine(T.plusSeconds(1), LogStream.STDERR, "oops \"quoted\"", false, 85));
			return null;
		}).when(session).stream(any());
		return session;
	}

	String streamed(org.springframework.test.web.servlet.RequestBuilder request) throws Exception {
		MvcResult started = mvc.perform(request).andExpect(request().asyncStarted()).andReturn();
		return mvc.perform(asyncDispatch(started)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
	}

	@Test
	void logsComeAsTextByDefaultWithKubernetesOptionsPassedThrough() throws Exception {
		ArgumentCaptor<LogOptions> options = ArgumentCaptor.forClass(LogOptions.class);
		session(options);
		MvcResult started = mvc.perform(get("/api/v1/containers/" + CONTAINER_ID + "/logs").param("tailLines", "2")
			.param("timestamps", "true").param("sinceTime", "2026-01-10T11:00:00+01:00").param("stream", "stderr")
			.param("limitBytes", "100").param("download", "true"))
			.andExpect(request().asyncStarted())
			.andExpect(header().string(HttpHeaders.CONTENT_DISPOSITION, containsString("attachment; filename=\"app-cccccccccccc.log\"")))
			.andReturn();
		String body = mvc.perform(asyncDispatch(started))
			.andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_PLAIN))
			.andReturn().getResponse().getContentAsString();
		assertThat(body).isEqualTo("2026-01-10T10:00:00.500Z hello\n2026-01-10T10:00:01.500Z oops \"quoted\"\n");
		LogOptions o = options.getValue();
		assertThat(o.tailLines()).isEqualTo(2);
		assertThat(o.sinceTime()).isEqualTo(Instant.parse("2026-01-10T10:00:00Z"));
		assertThat(o.stream()).isEqualTo(LogStream.STDERR);
		assertThat(o.limitBytes()).isEqualTo(100);
		assertThat(o.follow()).isFalse();
	}

	@Test
	void logsComeAsNdjsonOrServerSentEventsThatResume() throws Exception {
		ArgumentCaptor<LogOptions> options = ArgumentCaptor.forClass(LogOptions.class);
		session(options);
		String ndjson = streamed(get("/api/v1/containers/" + CONTAINER_ID + "/logs").accept("application/x-ndjson"));
		assertThat(ndjson.lines().toList()).containsExactly(
				"{\"time\":\"2026-01-10T10:00:00.500Z\",\"stream\":\"stdout\",\"log\":\"hello\",\"partial\":false,\"offset\":40}",
				"{\"time\":\"2026-01-10T10:00:01.500Z\",\"stream\":\"stderr\",\"log\":\"oops \\\"quoted\\\"\",\"partial\":false,\"offset\":85}");

		String events = streamed(get("/api/v1/containers/" + CONTAINER_ID + "/logs").param("follow", "true")
			.accept("text/event-stream").header("Last-Event-ID", "40"));
		assertThat(events).startsWith("id: 40\ndata: {\"time\"").contains("\n\nid: 85\ndata: ").endsWith("event: end\ndata: {}\n\n");
		assertThat(options.getValue().resumeAfter()).isEqualTo(40);
		assertThat(options.getValue().follow()).isTrue();
	}

	@Test
	void pullStreamsProgressAndEndsWithTheImage() throws Exception {
		ImageService.PendingPull pull = mock(ImageService.PendingPull.class);
		when(images.prepare(eq("registry.local/app:v1"), eq("image"), any())).thenReturn(pull);
		when(pull.reference()).thenReturn("registry.local/app:v1");
		ImageRecord image = ApiFixtures.image(IMAGE_ID, List.of("registry.local/app:v1"));
		when(pull.run(any())).thenAnswer(call -> {
			PullListener listener = call.getArgument(0);
			listener.onProgress(new PullProgress.Resolved("registry.local/app:v1", "sha256:m",
					List.of(new PullProgress.Layer("sha256:l1", PullProgress.LayerStatus.WAITING, 0, 2048))));
			listener.onProgress(new PullProgress.Layer("sha256:l1", PullProgress.LayerStatus.DOWNLOADING, 1024, 2048));
			listener.onProgress(new PullProgress.Layer("sha256:l1", PullProgress.LayerStatus.DONE, 2048, 2048));
			return image;
		});
		String body = streamed(post("/api/v1/images/pull").contentType(MediaType.APPLICATION_JSON)
			.content("{\"image\":\"registry.local/app:v1\",\"auth\":{\"username\":\"ci\",\"password\":\"s3cret\"}}"));
		assertThat(body.lines().toList()).containsExactly(
				"{\"status\":\"resolved\",\"reference\":\"registry.local/app:v1\",\"manifestDigest\":\"sha256:m\",\"layers\":[{\"status\":\"waiting\",\"layer\":\"sha256:l1\",\"current\":0,\"total\":2048}]}",
				"{\"status\":\"downloading\",\"layer\":\"sha256:l1\",\"current\":1024,\"total\":2048}",
				"{\"status\":\"done\",\"layer\":\"sha256:l1\",\"current\":2048,\"total\":2048}",
				"{\"status\":\"done\",\"reference\":\"registry.local/app:v1\",\"imageId\":\"" + IMAGE_ID
						+ "\",\"repoDigests\":[\"registry.local/app@sha256:" + "d".repeat(64) + "\"],\"size\":1234}");
		ArgumentCaptor<io.rocketcri.image.registry.RegistryCredentials> creds = ArgumentCaptor.forClass(io.rocketcri.image.registry.RegistryCredentials.class);
		verify(images).prepare(eq("registry.local/app:v1"), eq("image"), creds.capture());
		assertThat(creds.getValue().username()).isEqualTo("ci");
		assertThat(creds.getValue().password()).isEqualTo("s3cret");
	}

	@Test
	void aPullThatFailsAfterStreamingEndsWithAnErrorLineAndABadReferenceIs400() throws Exception {
		ImageService.PendingPull pull = mock(ImageService.PendingPull.class);
		when(images.prepare(eq("registry.local/app:v1"), eq("image"), any())).thenReturn(pull);
		when(pull.run(any())).thenThrow(new Unavailable("pulling image registry.local/app:v1: connection refused"));
		String body = streamed(post("/api/v1/images/pull").contentType(MediaType.APPLICATION_JSON)
			.content("{\"image\":\"registry.local/app:v1\"}"));
		assertThat(body).startsWith("{\"status\":\"error\",\"error\":{").contains("\"code\":\"unavailable\"")
			.contains("\"status\":503").contains("connection refused").endsWith("}\n");

		when(images.prepare(eq("Not A Reference"), eq("image"), any()))
			.thenThrow(new InvalidArgument("image: invalid image reference \"Not A Reference\""));
		mvc.perform(post("/api/v1/images/pull").contentType(MediaType.APPLICATION_JSON).content("{\"image\":\"Not A Reference\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.detail").value("image: invalid image reference \"Not A Reference\""));
	}

	@Test
	void imagesListDanglingOnesAndPrunePreviewsWhatGoes() throws Exception {
		ImageRecord tagged = ApiFixtures.image(IMAGE_ID, List.of("registry.local/app:v1"));
		ImageRecord dangling = ApiFixtures.image("sha256:" + "9".repeat(64), List.of());
		when(images.list(null)).thenReturn(List.of(tagged, dangling));
		mvc.perform(get("/api/v1/images").param("dangling", "true"))
			.andExpect(jsonPath("$.items.length()").value(1))
			.andExpect(jsonPath("$.items[0].id").value(dangling.id()))
			.andExpect(jsonPath("$.items[0].dangling").value(true))
			.andExpect(jsonPath("$.items[0].createdTime").value("2026-01-10T10:00:00Z"));
		when(pruner.preview()).thenReturn(new io.rocketcri.image.ImagePruner.PrunePlan(List.of(dangling), 4096));
		mvc.perform(get("/api/v1/images/prune"))
			.andExpect(jsonPath("$.images[0].id").value(dangling.id()))
			.andExpect(jsonPath("$.reclaimableBytes").value(4096));
	}

	@Test
	void eventsListTheRecentOnesAndAWatchStreamsNewOnes() throws Exception {
		var c = ApiFixtures.container(CONTAINER_ID, POD_ID, "app", ContainerState.RUNNING, Map.of());
		events.publish(new ContainerEvent(CONTAINER_ID, ContainerEvent.Type.STARTED, 1_700_000_000_000_000_000L, WEB, List.of(c)));
		mvc.perform(get("/api/v1/events"))
			.andExpect(jsonPath("$.items[-1].type").value("STARTED"))
			.andExpect(jsonPath("$.items[-1].object.id").value(CONTAINER_ID))
			.andExpect(jsonPath("$.items[-1].pod.name").value("web-1"));

		MvcResult started = mvc.perform(get("/api/v1/events").param("watch", "true").param("sendInitialEvents", "true")
			.param("timeoutSeconds", "2")).andExpect(request().asyncStarted()).andReturn();
		events.publish(new ContainerEvent(CONTAINER_ID, ContainerEvent.Type.DELETED, 1_700_000_001_000_000_000L, WEB, List.of()));
		String body = mvc.perform(asyncDispatch(started)).andReturn().getResponse().getContentAsString();
		List<String> lines = body.lines().toList();
		assertThat(lines.getLast()).contains("\"type\":\"DELETED\"").contains("\"object\":null");
		assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"type\":\"STARTED\""));
	}

}
