package io.rocketcri.streaming;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.rocketcri.config.Json;
import io.rocketcri.cri.api.AttachRequest;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.CreateContainerRequest;
import io.rocketcri.cri.api.ExecRequest;
import io.rocketcri.cri.api.ExecSyncRequest;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.LinuxPodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.cri.api.PortForwardRequest;
import io.rocketcri.cri.api.PullImageRequest;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Exec, Attach and PortForward for real: a pod in its own network namespace, busybox containers
 * under conmon + runc, the CRI RPCs over the socket and the returned URLs driven over SPDY/3.1
 * and WebSocket by {@link StreamClient}, as kubelet and crictl would.
 */
@Tag("host")
@SpringBootTest
class StreamingHostTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("streaming");

	static final TestRegistry registry = TestRegistry.shared();

	static final String BRIDGE = "rcri-st0";

	static CriSocketClient client;

	static PushedImage busybox;

	static PodSandboxConfig podConfig;

	static String podId;

	static String shell;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry props) throws IOException {
		runtime.register(props);
		runtime.bridgeNetwork("rocket-streaming-it", BRIDGE, "10.232.9.0/24", false);
		runtime.trustRegistry(registry.address());
	}

	@BeforeAll
	static void connect() {
		client = new CriSocketClient(runtime.socket());
	}

	/** Once, after the context is up: an image, a pod, a long-running shell container. */
	@BeforeEach
	void podOnce() {
		if (podId != null) {
			return;
		}
		busybox = registry.pusher()
			.push(OciImageBuilder.busybox().cmd("sh").build(), TestRegistry.uniqueRepository("stream"), "v1");
		client.images()
			.pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(busybox.reference())).build());
		podConfig = PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder().setName("streams").setNamespace("it").setUid(UUID.randomUUID().toString()))
			.setHostname("streams")
			.setLogDirectory(runtime.root().resolve("logs/streams").toString())
			.setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/rocket-cri-it"))
			.build();
		podId = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(podConfig).build()).getPodSandboxId();
		shell = startContainer(container("shell", "sh", "-c", "while true; do sleep 1; done"));
		startContainer(container("web", "sh", "-c",
				"mkdir -p /www && echo hello-through-the-tunnel > /www/index.html && exec httpd -f -p 8080 -h /www"));
	}

	@AfterAll
	static void tearDown() throws Exception {
		if (podId != null) {
			client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
			client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
		}
		client.close();
		new ProcessBuilder("ip", "link", "del", BRIDGE).start().waitFor();
	}

	static ContainerConfig.Builder container(String name, String... command) {
		return ContainerConfig.newBuilder()
			.setMetadata(ContainerMetadata.newBuilder().setName(name))
			.setImage(ImageSpec.newBuilder().setImage(busybox.reference()))
			.addAllCommand(List.of(command))
			.setLogPath(name + ".log");
	}

	static String createContainer(ContainerConfig.Builder config) {
		return client.runtime()
			.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId).setSandboxConfig(podConfig)
				.setConfig(config).build())
			.getContainerId();
	}

	static String startContainer(ContainerConfig.Builder config) {
		String id = createContainer(config);
		client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
		return id;
	}

	static String execUrl(boolean tty, boolean stdin, boolean stderr, String... cmd) {
		return client.runtime()
			.exec(ExecRequest.newBuilder().setContainerId(shell).addAllCmd(List.of(cmd)).setTty(tty).setStdin(stdin)
				.setStdout(true).setStderr(stderr).build())
			.getUrl();
	}

	/** Output and exit report of one remote command. */
	record Outcome(String stdout, String stderr, JsonNode status, long stdoutBytes) {

		int exitCode() {
			if ("Success".equals(this.status.path("status").asString())) {
				return 0;
			}
			return Integer.parseInt(this.status.at("/details/causes/0/message").asString());
		}

	}

	/** Runs the URL to its end over SPDY or WebSocket, sending {@code stdin} (then closing it) if given. */
	static Outcome run(String transport, String url, boolean stderr, boolean tty, byte[] stdin) throws Exception {
		if (transport.equals("websocket")) {
			try (StreamClient ws = StreamClient.webSocket(url, "v5.channel.k8s.io", "v4.channel.k8s.io")) {
				if (stdin != null) {
					ws.sendChannel(0, stdin);
					ws.sendChannel(255, new byte[] { 0 });
				}
				ws.awaitClosed(Duration.ofMinutes(2));
				return new Outcome(ws.received(1).text(), ws.received(2).text(),
						Json.MAPPER.readTree(ws.received(3).text()), ws.received(1).count.get());
			}
		}
		try (StreamClient spdy = StreamClient.spdy(url, "v4.channel.k8s.io", "v3.channel.k8s.io")) {
			Map<String, Integer> ids = spdy.openRemoteCommandStreams(stdin != null, true, stderr && !tty, tty);
			if (stdin != null) {
				spdy.send(ids.get("stdin"), stdin, true);
			}
			spdy.awaitClosed(Duration.ofMinutes(2));
			return new Outcome(spdy.received(ids.get("stdout")).text(),
					ids.containsKey("stderr") ? spdy.received(ids.get("stderr")).text() : "",
					Json.MAPPER.readTree(spdy.received(ids.get("error")).text()), spdy.received(ids.get("stdout")).count.get());
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "spdy", "websocket" })
	void execReportsOutputAndExitCode(String transport) throws Exception {
		Outcome outcome = run(transport, execUrl(false, false, true, "sh", "-c", "echo out; echo err >&2; exit 3"), true,
				false, null);
		assertThat(outcome.stdout()).isEqualTo("out\n");
		assertThat(outcome.stderr()).isEqualTo("err\n");
		assertThat(outcome.exitCode()).isEqualTo(3);
		assertThat(run(transport, execUrl(false, false, true, "true"), true, false, null).exitCode()).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "spdy", "websocket" })
	void execReadsStdinUntilItsEnd(String transport) throws Exception {
		Outcome outcome = run(transport, execUrl(false, true, false, "sh", "-c", "cat; echo end-of-input"), false, false,
				"line one\nline two\n".getBytes());
		assertThat(outcome.stdout()).isEqualTo("line one\nline two\nend-of-input\n");
		assertThat(outcome.exitCode()).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "spdy", "websocket" })
	void execWithATerminalTakesResizesAndStdin(String transport) throws Exception {
		String url = execUrl(true, true, false, "sh", "-c", "read line; stty size; tty; echo got-$line; exit 4");
		byte[] resize = "{\"Width\":132,\"Height\":43}\n".getBytes();
		if (transport.equals("websocket")) {
			try (StreamClient ws = StreamClient.webSocket(url, "v5.channel.k8s.io")) {
				ws.sendChannel(4, resize);
				Thread.sleep(500);
				ws.sendChannel(0, "typed\r".getBytes());
				ws.awaitClosed(Duration.ofSeconds(30));
				assertTerminalSession(ws.received(1).text(), Json.MAPPER.readTree(ws.received(3).text()));
			}
		}
		else {
			try (StreamClient spdy = StreamClient.spdy(url, "v4.channel.k8s.io")) {
				Map<String, Integer> ids = spdy.openRemoteCommandStreams(true, true, false, true);
				spdy.send(ids.get("resize"), resize, false);
				Thread.sleep(500);
				spdy.send(ids.get("stdin"), "typed\r".getBytes(), false);
				spdy.awaitClosed(Duration.ofSeconds(30));
				assertTerminalSession(spdy.received(ids.get("stdout")).text(),
						Json.MAPPER.readTree(spdy.received(ids.get("error")).text()));
			}
		}
	}

	private static void assertTerminalSession(String output, JsonNode status) {
		assertThat(output).contains("43 132").contains("/dev/pts/").contains("got-typed");
		assertThat(status.at("/details/causes/0/message").asString()).isEqualTo("4");
	}

	@ParameterizedTest
	@ValueSource(strings = { "spdy", "websocket" })
	void execStreams100Megabytes(String transport) throws Exception {
		long size = 100L << 20;
		Outcome outcome = run(transport, execUrl(false, false, false, "head", "-c", Long.toString(size), "/dev/zero"),
				false, false, null);
		assertThat(outcome.stdoutBytes()).isEqualTo(size);
		assertThat(outcome.exitCode()).isZero();
	}

	@Test
	void twentyConcurrentExecsOverBothTransports() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(20);
		try {
			List<Future<Outcome>> results = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				String transport = i % 2 == 0 ? "spdy" : "websocket";
				String url = execUrl(false, false, false, "sh", "-c", "head -c 1048576 /dev/zero; echo " + i + "; exit " + i);
				results.add(pool.submit((Callable<Outcome>) () -> run(transport, url, false, false, null)));
			}
			for (int i = 0; i < 20; i++) {
				Outcome outcome = results.get(i).get(3, TimeUnit.MINUTES);
				assertThat(outcome.stdoutBytes()).isEqualTo((1L << 20) + Integer.toString(i).length() + 1);
				assertThat(outcome.exitCode()).isEqualTo(i);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "spdy", "websocket" })
	void aVanishingClientLeavesNoProcessSocketOrThread(String transport) throws Exception {
		String marker = transport.equals("spdy") ? "4711" : "4712";
		String url = execUrl(false, false, false, "sleep", marker);
		StreamClient stream = transport.equals("spdy") ? StreamClient.spdy(url, "v4.channel.k8s.io")
				: StreamClient.webSocket(url, "v5.channel.k8s.io");
		if (transport.equals("spdy")) {
			stream.openRemoteCommandStreams(false, true, false, false);
		}
		awaitTrue(() -> psInShell().contains("sleep " + marker));
		assertThat(streamingThreads()).isNotEmpty();
		stream.close();
		awaitTrue(() -> !psInShell().contains("sleep " + marker));
		awaitTrue(() -> runcExecsOnHost().isEmpty());
		awaitTrue(() -> streamingThreads().isEmpty());
	}

	@ParameterizedTest
	@ValueSource(strings = { "spdy", "websocket" })
	void attachReachesTheContainersStdio(String transport) throws Exception {
		String id = startContainer(container("attach-" + transport, "sh").setStdin(true).setStdinOnce(true));
		String url = client.runtime()
			.attach(AttachRequest.newBuilder().setContainerId(id).setStdin(true).setStdout(true).setStderr(true).build())
			.getUrl();
		byte[] commands = "echo attached-out; echo attached-err >&2\n".getBytes();
		if (transport.equals("websocket")) {
			try (StreamClient ws = StreamClient.webSocket(url, "v5.channel.k8s.io")) {
				Thread.sleep(300);
				ws.sendChannel(0, commands);
				awaitTrue(() -> ws.received(2).text().contains("attached-err"));
				ws.sendChannel(255, new byte[] { 0 });
				ws.awaitClosed(Duration.ofSeconds(30));
				assertThat(ws.received(1).text()).isEqualTo("attached-out\n");
				assertThat(Json.MAPPER.readTree(ws.received(3).text()).path("status").asString()).isEqualTo("Success");
			}
		}
		else {
			try (StreamClient spdy = StreamClient.spdy(url, "v4.channel.k8s.io")) {
				Map<String, Integer> ids = spdy.openRemoteCommandStreams(true, true, true, false);
				Thread.sleep(300);
				spdy.send(ids.get("stdin"), commands, false);
				awaitTrue(() -> spdy.received(ids.get("stderr")).text().contains("attached-err"));
				// stdin-once: closing stdin ends sh, and with it the attach
				spdy.send(ids.get("stdin"), new byte[0], true);
				spdy.awaitClosed(Duration.ofSeconds(30));
				assertThat(spdy.received(ids.get("stdout")).text()).isEqualTo("attached-out\n");
			}
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "spdy", "websocket" })
	void portForwardReachesAServerInThePodsNetworkNamespace(String transport) throws Exception {
		String url = client.runtime()
			.portForward(PortForwardRequest.newBuilder().setPodSandboxId(podId).addPort(8080).build())
			.getUrl();
		StreamClient stream = transport.equals("spdy") ? StreamClient.spdy(url, "portforward.k8s.io")
				: StreamClient.webSocket(url, "SPDY/3.1+portforward.k8s.io");
		try (stream) {
			if (transport.equals("websocket")) {
				stream.upgradeTunnelToSpdy();
			}
			for (int request = 0; request < 3; request++) {
				Map<String, String> headers = Map.of("port", "8080", "requestID", Integer.toString(request));
				int error = stream.openStream(with(headers, "streamType", "error"));
				stream.send(error, new byte[0], true);
				int data = stream.openStream(with(headers, "streamType", "data"));
				stream.send(data, "GET /index.html HTTP/1.0\r\n\r\n".getBytes(), false);
				stream.received(data).fin.get(30, TimeUnit.SECONDS);
				assertThat(stream.received(data).text()).startsWith("HTTP/1.").contains("hello-through-the-tunnel");
				stream.received(error).fin.get(30, TimeUnit.SECONDS);
				assertThat(stream.received(error).text()).isEmpty();
			}
			// nothing listens on 8081: the error stream says so, the session goes on
			Map<String, String> headers = Map.of("port", "8081", "requestID", "99");
			int error = stream.openStream(with(headers, "streamType", "error"));
			stream.openStream(with(headers, "streamType", "data"));
			stream.received(error).fin.get(30, TimeUnit.SECONDS);
			assertThat(stream.received(error).text()).contains("8081");
		}
	}

	private static Map<String, String> with(Map<String, String> headers, String name, String value) {
		Map<String, String> all = new java.util.HashMap<>(headers);
		all.put(name, value);
		return all;
	}

	@Test
	void unknownAndReusedTokensAre404() throws Exception {
		String url = execUrl(false, false, false, "true");
		HttpClient http = HttpClient.newHttpClient();
		String bogus = url.substring(0, url.lastIndexOf('/') + 1) + "bogus-token";
		assertThat(http.send(HttpRequest.newBuilder(URI.create(bogus)).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
		run("spdy", url, false, false, null);
		assertThat(StreamClient.spdy(url, "v4.channel.k8s.io").httpStatus()).isEqualTo(404);
		assertThat(StreamClient.webSocket(url, "v5.channel.k8s.io").httpStatus()).isEqualTo(404);
	}

	@Test
	void requestsAreCheckedBeforeAUrlIsHandedOut() {
		String created = createContainer(container("never-started", "sleep", "1"));
		assertCode(() -> client.runtime().exec(ExecRequest.newBuilder().setContainerId("no-such-container")
			.addCmd("true").setStdout(true).build()), Status.Code.NOT_FOUND);
		assertCode(() -> client.runtime().exec(ExecRequest.newBuilder().setContainerId(created).addCmd("true")
			.setStdout(true).build()), Status.Code.FAILED_PRECONDITION);
		assertCode(() -> client.runtime().exec(ExecRequest.newBuilder().addCmd("true").setStdout(true).build()),
				Status.Code.INVALID_ARGUMENT);
		assertCode(() -> client.runtime().exec(ExecRequest.newBuilder().setContainerId(shell).setStdout(true).build()),
				Status.Code.INVALID_ARGUMENT);
		assertCode(() -> client.runtime().exec(ExecRequest.newBuilder().setContainerId(shell).addCmd("true")
			.build()), Status.Code.INVALID_ARGUMENT);
		assertThat(client.runtime().exec(ExecRequest.newBuilder().setContainerId(shell).addCmd("true")
			.setStdin(true).build()).getUrl()).as("stdin alone is a valid exec, as kubelet allows").startsWith("http://");
		assertCode(() -> client.runtime().exec(ExecRequest.newBuilder().setContainerId(shell).addCmd("true")
			.setTty(true).setStdout(true).setStderr(true).build()), Status.Code.INVALID_ARGUMENT);
		assertCode(() -> client.runtime().attach(AttachRequest.newBuilder().setContainerId(created).setStdout(true)
			.build()), Status.Code.FAILED_PRECONDITION);
		assertCode(() -> client.runtime().portForward(PortForwardRequest.newBuilder().setPodSandboxId("no-such-pod")
			.build()), Status.Code.NOT_FOUND);
		assertCode(() -> client.runtime().portForward(PortForwardRequest.newBuilder().build()),
				Status.Code.INVALID_ARGUMENT);
		String url = execUrl(false, false, false, "true");
		assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/exec/[A-Za-z0-9_-]+");
	}

	private static void assertCode(Runnable call, Status.Code code) {
		assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class,
				(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(code));
	}

	private static String psInShell() {
		return client.runtime()
			.execSync(ExecSyncRequest.newBuilder().setContainerId(shell).addCmd("ps").setTimeout(10).build())
			.getStdout()
			.toStringUtf8();
	}

	/** {@code runc … exec --process …} processes for the shell container still on the host. */
	private static List<String> runcExecsOnHost() {
		try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
			return procs.filter((p) -> p.getFileName().toString().matches("\\d+"))
				.map((p) -> {
					try {
						return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
					}
					catch (IOException ex) {
						return "";
					}
				})
				.filter((cmd) -> cmd.contains(" exec --process ") && cmd.contains(shell) && cmd.contains(".stream-"))
				.toList();
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/** Threads a streaming session of ours runs on (engine readers, stdin writers). */
	private static List<String> streamingThreads() {
		return Thread.getAllStackTraces().keySet().stream()
			.map(Thread::getName)
			.filter((name) -> name.startsWith("exec-") || name.startsWith("stream-stdin-") || name.startsWith("attach-"))
			.toList();
	}

	private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("condition not met within 20 s");
			}
			Thread.sleep(50);
		}
	}

}
