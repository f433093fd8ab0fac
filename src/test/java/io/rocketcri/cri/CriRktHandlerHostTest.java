package io.rocketcri.cri;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.ContainerState;
import io.rocketcri.cri.api.ContainerStatusRequest;
import io.rocketcri.cri.api.CreateContainerRequest;
import io.rocketcri.cri.api.ExecSyncRequest;
import io.rocketcri.cri.api.ExecSyncResponse;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.KeyValue;
import io.rocketcri.cri.api.LinuxPodSandboxConfig;
import io.rocketcri.cri.api.NamespaceMode;
import io.rocketcri.cri.api.NamespaceOption;
import io.rocketcri.cri.api.LinuxSandboxSecurityContext;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.cri.api.PodSandboxState;
import io.rocketcri.cri.api.PodSandboxStatusRequest;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.cri.api.RemoveContainerRequest;
import io.rocketcri.cri.api.RemovePodSandboxRequest;
import io.rocketcri.cri.api.RunPodSandboxRequest;
import io.rocketcri.cri.api.StartContainerRequest;
import io.rocketcri.cri.api.StatusRequest;
import io.rocketcri.cri.api.StopContainerRequest;
import io.rocketcri.cri.api.StopPodSandboxRequest;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.OciImageBuilder;
import io.rocketcri.testsupport.PushedImage;
import io.rocketcri.testsupport.RuntimeUnderTest;
import io.rocketcri.testsupport.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rkt handler end to end through the CRI socket, against a real rkt: run a pod with
 * runtime_handler "rkt", create and start a container from an image on the tests' registry, read
 * its log in the CRI format, exec, stop, remove. Runs only when a rkt binary is given
 * ({@code -Drkt.path=…} or {@code RKT_PATH}) or on PATH; otherwise it is skipped, saying so.
 * The stage1 image is {@code -Drkt.stage1=…}/{@code RKT_STAGE1}, else a {@code stage1-host.aci}
 * next to the binary, else rkt's built-in one.
 */
@Tag("host")
@SpringBootTest
class CriRktHandlerHostTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("rkt");

	static final TestRegistry registry = TestRegistry.shared();

	static final Optional<Path> rkt = findRkt();

	static final String BRIDGE = "rcri-rkt0";

	/** A registry that does not exist, mirrored by the tests' registry. */
	static final String UPSTREAM = "upstream.rkt.invalid";

	/** busybox by its upstream name: pulled from the mirror, by rocket-cri and by rkt. */
	static String upstreamReference() {
		return UPSTREAM + "/" + busybox.repository() + ":" + busybox.tag();
	}

	static CriSocketClient client;

	static PushedImage busybox;

	static Optional<Path> findRkt() {
		String given = System.getProperty("rkt.path", System.getenv("RKT_PATH"));
		if (given != null && !given.isBlank()) {
			return Optional.of(Path.of(given)).filter(Files::isExecutable);
		}
		for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
			Path candidate = Path.of(dir.isEmpty() ? "." : dir, "rkt");
			if (Files.isExecutable(candidate)) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

	static Optional<Path> stage1() {
		String given = System.getProperty("rkt.stage1", System.getenv("RKT_STAGE1"));
		if (given != null && !given.isBlank()) {
			return Optional.of(Path.of(given));
		}
		return rkt.map(r -> r.resolveSibling("stage1-host.aci")).filter(Files::isRegularFile);
	}

	@BeforeAll
	static void requireRkt() {
		if (rkt.isEmpty()) {
			System.out.println("CriRktHandlerHostTest SKIPPED: no rkt binary (set -Drkt.path=/path/to/rkt or RKT_PATH, "
					+ "or put rkt on PATH)");
		}
		Assumptions.assumeTrue(rkt.isPresent(),
				"skipped: no rkt binary (set -Drkt.path=/path/to/rkt or RKT_PATH, or put rkt on PATH)");
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry props) {
		runtime.register(props);
		runtime.bridgeNetwork("rocket-rkt", BRIDGE, "10.232.52.0/24", false);
		// the tests' registry, and a mirror of it for a registry that does not exist: kubelet's
		// names are upstream names, and rkt must fetch from where rocket-cri pulled (as critest needs)
		try {
			Files.createDirectories(runtime.registriesConf().getParent());
			Files.writeString(runtime.registriesConf(), """
					[[registry]]
					location = "%1$s"
					insecure = true

					[[registry]]
					prefix = "%2$s"
					location = "%2$s"
					[[registry.mirror]]
					location = "%1$s"
					insecure = true
					""".formatted(registry.address(), UPSTREAM));
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		props.add("rocket.rkt.path", () -> rkt.map(Path::toString).orElse("rkt"));
		props.add("rocket.rkt.data-dir", () -> runtime.root().resolve("rkt").toString());
		stage1().ifPresent(s -> props.add("rocket.rkt.stage1-image", s::toString));
		// this machine's / is a private mount: rkt's overlay needs a shared one
		props.add("rocket.rkt.no-overlay", () -> "true");
		// the first sandbox in a fresh data dir copies stage1 (no overlay): slow on a busy 2-core node
		props.add("rocket.rkt.ready-timeout", () -> "120s");
	}

	@AfterAll
	static void tearDown() throws Exception {
		if (client != null) {
			client.close();
		}
		new ProcessBuilder("ip", "link", "del", BRIDGE).start().waitFor();
		// rkt's store holds the stage1 and the converted image (about 170 MB): not worth keeping
		if (rkt.isPresent()) {
			RktPodsSurviveRestartHostTest.forceRemoveRktPods(runtime.root().resolve("rkt"));
			new ProcessBuilder("rm", "-rf", "--one-file-system", runtime.root().resolve("rkt").toString()).start().waitFor();
		}
	}

	static CriSocketClient client() {
		if (client == null) {
			client = new CriSocketClient(runtime.socket());
		}
		return client;
	}

	static void pushBusyboxOnce() {
		if (busybox == null) {
			// Docker schema2: rkt's docker2aci converts it (OCI manifests it may not)
			busybox = registry.pusher()
				.push(OciImageBuilder.busybox().format(OciImageBuilder.Format.DOCKER_SCHEMA2).cmd("sh").build(),
						TestRegistry.uniqueRepository("rkt-bb"), "v1");
			client().images()
				.pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(upstreamReference())).build());
		}
	}

	/**
	 * A pod on the pod network: rkt runs inside the pod's pinned network namespace, which
	 * rocket-cri's CNI gave an address on the test bridge; the container sees that address.
	 */
	@Test
	void aPodOnThePodNetworkGetsItsAddressFromRocketCrisCni() {
		pushBusyboxOnce();
		PodSandboxConfig pod = hostNetworkPod("rkt-net").toBuilder()
			.setLinux(LinuxPodSandboxConfig.getDefaultInstance())
			.build();
		String podId = client().runtime()
			.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).setRuntimeHandler("rkt").build())
			.getPodSandboxId();
		try {
			String ip = client().runtime()
				.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build())
				.getStatus()
				.getNetwork()
				.getIp();
			assertThat(ip).startsWith("10.232.52.");
			String id = client().runtime()
				.createContainer(CreateContainerRequest.newBuilder()
					.setPodSandboxId(podId)
					.setSandboxConfig(pod)
					.setConfig(ContainerConfig.newBuilder()
						.setMetadata(ContainerMetadata.newBuilder().setName("net"))
						.setImage(ImageSpec.newBuilder().setImage(upstreamReference()))
						.addAllCommand(List.of("sleep", "300"))
						.setLogPath("net.log"))
					.build())
				.getContainerId();
			client().runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
			ExecSyncResponse exec = client().runtime()
				.execSync(ExecSyncRequest.newBuilder().setContainerId(id).addAllCmd(List.of("cat", "/proc/net/fib_trie")).setTimeout(20).build());
			assertThat(exec.getStdout().toStringUtf8()).contains(ip);
			client().runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
		}
		finally {
			client().runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
			client().runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
		}
	}

	static PodSandboxConfig hostNetworkPod(String name) {
		return PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("it").setUid(UUID.randomUUID().toString()))
			.setHostname(name)
			.setLogDirectory(runtime.root().resolve("logs/" + name).toString())
			.setLinux(LinuxPodSandboxConfig.newBuilder()
				.setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
					.setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE))))
			.build();
	}

	@Test
	void aPodRunsOnRktFromRunToRemove() throws Exception {
		client();
		assertThat(client.runtime().status(StatusRequest.getDefaultInstance()).getRuntimeHandlersList())
			.anySatisfy(h -> assertThat(h.getName()).isEqualTo("rkt"));
		pushBusyboxOnce();

		PodSandboxConfig pod = hostNetworkPod("rkt-web");
		String podId = client.runtime()
			.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).setRuntimeHandler("rkt").build())
			.getPodSandboxId();
		try {
			var podStatus = client.runtime()
				.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build())
				.getStatus();
			assertThat(podStatus.getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
			assertThat(podStatus.getRuntimeHandler()).isEqualTo("rkt");

			String id = client.runtime()
				.createContainer(CreateContainerRequest.newBuilder()
					.setPodSandboxId(podId)
					.setSandboxConfig(pod)
					.setConfig(ContainerConfig.newBuilder()
						.setMetadata(ContainerMetadata.newBuilder().setName("web"))
						.setImage(ImageSpec.newBuilder().setImage(upstreamReference()))
						.addAllCommand(List.of("/bin/sh", "-c", "echo hello $GREETING; echo oops >&2; echo second; exec sleep 300"))
						.addEnvs(KeyValue.newBuilder().setKey("GREETING").setValue(com.google.protobuf.ByteString.copyFromUtf8("from rkt")))
						.setLogPath("web.log"))
					.build())
				.getContainerId();
			client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());

			Path log = runtime.root().resolve("logs/rkt-web/web.log");
			String text = awaitLog(log, "second");
			assertThat(text.lines().toList()).hasSizeGreaterThanOrEqualTo(2);
			// stage1 labels stderr correctly only with systemd 252's fd names fixed (docs/rkt.md)
			assertThat(text).containsPattern("(?m)^\\S+ stderr F oops$");
			// stdout and stderr are copied by separate iottymux loops: their order in the file is not the program's
			assertThat(text.lines()).anySatisfy(line -> assertThat(line)
				.matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+(Z|[+-]\\d\\d:\\d\\d) stdout F hello from rkt"));

			ExecSyncResponse exec = client.runtime()
				.execSync(ExecSyncRequest.newBuilder()
					.setContainerId(id)
					.addAllCmd(List.of("/bin/sh", "-c", "echo out; echo err >&2; hostname; exit 3"))
					.setTimeout(20)
					.build());
			assertThat(exec.getExitCode()).isEqualTo(3);
			assertThat(exec.getStdout().toStringUtf8()).startsWith("out\n");
			assertThat(exec.getStderr().toStringUtf8()).contains("err");

			// streaming Exec (no terminal) over the WebSocket protocol kubectl speaks
			String url = client.runtime()
				.exec(io.rocketcri.cri.api.ExecRequest.newBuilder()
					.setContainerId(id)
					.addAllCmd(List.of("/bin/sh", "-c", "echo streamed; echo oops >&2; exit 4"))
					.setStdout(true)
					.setStderr(true)
					.build())
				.getUrl();
			Map<Integer, String> channels = webSocketExec(url);
			assertThat(channels.get(1)).isEqualTo("streamed\n");
			assertThat(channels.get(2)).isEqualTo("oops\n");
			assertThat(channels.get(3)).contains("\"4\"");

			var running = client.runtime()
				.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build())
				.getStatus();
			assertThat(running.getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);

			client.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(10).build());
			var stopped = client.runtime()
				.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build())
				.getStatus();
			assertThat(stopped.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
			System.out.println("rkt container " + id + " exited with " + stopped.getExitCode() + "; log:\n" + text);
			client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
		}
		finally {
			client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
			client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
		}
		assertThat(runtime.state().resolve("rkt/pods").resolve(podId)).doesNotExist();
	}

	/** Runs a CRI exec URL over WebSocket (v5.channel.k8s.io) and returns what each channel received. */
	private static Map<Integer, String> webSocketExec(String url) throws Exception {
		Map<Integer, java.io.ByteArrayOutputStream> received = new java.util.concurrent.ConcurrentHashMap<>();
		java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
		java.net.http.WebSocket.Listener listener = new java.net.http.WebSocket.Listener() {
			@Override
			public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket ws, java.nio.ByteBuffer data,
					boolean last) {
				// every message starts with its channel; one message per frame from this server
				int channel = data.get() & 0xff;
				byte[] bytes = new byte[data.remaining()];
				data.get(bytes);
				received.computeIfAbsent(channel, c -> new java.io.ByteArrayOutputStream()).writeBytes(bytes);
				ws.request(1);
				return null;
			}

			@Override
			public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int status, String reason) {
				closed.complete(null);
				return null;
			}

			@Override
			public void onError(java.net.http.WebSocket ws, Throwable error) {
				closed.completeExceptionally(error);
			}
		};
		try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
			java.net.http.WebSocket ws = http.newWebSocketBuilder()
				.subprotocols("v5.channel.k8s.io")
				.buildAsync(java.net.URI.create(url.replaceFirst("^http", "ws")), listener)
				.get(10, java.util.concurrent.TimeUnit.SECONDS);
			closed.get(60, java.util.concurrent.TimeUnit.SECONDS);
			ws.abort();
		}
		Map<Integer, String> text = new java.util.TreeMap<>();
		received.forEach((c, b) -> text.put(c, b.toString(StandardCharsets.UTF_8)));
		return text;
	}

	private static String awaitLog(Path log, String needle) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			if (Files.exists(log)) {
				String text = Files.readString(log, StandardCharsets.UTF_8);
				if (text.contains(needle)) {
					return text;
				}
			}
			Thread.sleep(200);
		}
		return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log at " + log + ")";
	}

}
