package io.rocketcri.streaming;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.rocketcri.config.Json;
import io.rocketcri.engine.StreamingProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streaming server's protocols end to end over real sockets, with a scripted process
 * instead of a container: SPDY/3.1 and WebSocket framing, exit reports, back-pressure without
 * WINDOW_UPDATE, tokens, vanishing clients, port forwarding.
 */
class StreamingServerTest {

	private TokenCache tokens;

	private StreamingServer server;

	private volatile Supplier<StreamingProcess> processes;

	private final List<FakeStreamingProcess> started = new java.util.concurrent.CopyOnWriteArrayList<>();

	private ServerSocket echoServer;

	@BeforeEach
	void start() throws IOException {
		this.tokens = new TokenCache(Duration.ofMinutes(1), 1000, Clock.systemUTC());
		StreamTargets targets = new StreamTargets(null, null) {

			@Override
			StreamingProcess exec(StreamRequest.Exec request) {
				return open();
			}

			@Override
			StreamingProcess attach(StreamRequest.Attach request) {
				return open();
			}

			@Override
			SocketChannel dial(StreamRequest.PortForward request, int port) throws IOException {
				return SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			}

		};
		this.server = new StreamingServer(new StreamingProperties("127.0.0.1", 0, Duration.ofMinutes(1),
				Duration.ofSeconds(5), 1000), this.tokens, targets);
		this.server.start();
	}

	private StreamingProcess open() {
		StreamingProcess p = this.processes.get();
		if (p instanceof FakeStreamingProcess fake) {
			this.started.add(fake);
		}
		return p;
	}

	@AfterEach
	void stop() throws IOException {
		this.server.stop();
		if (this.echoServer != null) {
			this.echoServer.close();
		}
	}

	private String url(StreamRequest request) {
		return this.server.baseUrl() + "/" + request.kind() + "/" + this.tokens.put(request);
	}

	private String execUrl(boolean tty, boolean stdin, boolean stderr) {
		return url(new StreamRequest.Exec("c1", List.of("sh"), tty, stdin, true, stderr));
	}

	@Test
	void spdyExecDeliversOutputAndReportsANonZeroExitAsV4Status() throws Exception {
		this.processes = () -> FakeStreamingProcess.printing("hello\n", "oops\n", 3);
		try (StreamClient client = StreamClient.spdy(execUrl(false, false, true), "v5.channel.k8s.io",
				"v4.channel.k8s.io", "v3.channel.k8s.io")) {
			assertThat(client.protocol()).isEqualTo("v4.channel.k8s.io");
			Map<String, Integer> ids = client.openRemoteCommandStreams(false, true, true, false);
			client.awaitClosed(Duration.ofSeconds(30));
			assertThat(client.received(ids.get("stdout")).text()).isEqualTo("hello\n");
			assertThat(client.received(ids.get("stderr")).text()).isEqualTo("oops\n");
			JsonNode status = Json.MAPPER.readTree(client.received(ids.get("error")).text());
			assertThat(status.path("status").asString()).isEqualTo("Failure");
			assertThat(status.path("reason").asString()).isEqualTo("NonZeroExitCode");
			assertThat(status.path("details").path("causes").get(0).path("reason").asString()).isEqualTo("ExitCode");
			assertThat(status.path("details").path("causes").get(0).path("message").asString()).isEqualTo("3");
		}
	}

	@Test
	void spdyExecSuccessIsAV4SuccessStatus() throws Exception {
		this.processes = () -> FakeStreamingProcess.printing("ok\n", "", 0);
		try (StreamClient client = StreamClient.spdy(execUrl(false, false, false), "v4.channel.k8s.io")) {
			Map<String, Integer> ids = client.openRemoteCommandStreams(false, true, false, false);
			client.awaitClosed(Duration.ofSeconds(30));
			assertThat(Json.MAPPER.readTree(client.received(ids.get("error")).text()).path("status").asString())
				.isEqualTo("Success");
		}
	}

	@Test
	void olderSpdyVersionsGetTheFailureAsText() throws Exception {
		this.processes = () -> FakeStreamingProcess.printing("", "", 2);
		try (StreamClient client = StreamClient.spdy(execUrl(false, false, false), "v2.channel.k8s.io")) {
			assertThat(client.protocol()).isEqualTo("v2.channel.k8s.io");
			Map<String, Integer> ids = client.openRemoteCommandStreams(false, true, false, false);
			client.awaitClosed(Duration.ofSeconds(30));
			assertThat(client.received(ids.get("error")).text()).contains("non-zero exit code").contains("2");
		}
	}

	@Test
	void spdyStreams100MegabytesWithoutAnyWindowUpdate() throws Exception {
		long size = 100L << 20;
		this.processes = () -> new FakeStreamingProcess("", "", size, false, 0, false);
		try (StreamClient client = StreamClient.spdy(execUrl(false, false, false), "v4.channel.k8s.io")) {
			Map<String, Integer> ids = client.openRemoteCommandStreams(false, true, false, false);
			client.awaitClosed(Duration.ofSeconds(120));
			assertThat(client.received(ids.get("stdout")).count.get()).isEqualTo(size);
		}
	}

	@Test
	void spdyStdinReachesTheProcessAndItsFinIsEndOfFile() throws Exception {
		this.processes = () -> new FakeStreamingProcess("", "", 0, true, 0, false);
		try (StreamClient client = StreamClient.spdy(execUrl(false, true, false), "v4.channel.k8s.io")) {
			Map<String, Integer> ids = client.openRemoteCommandStreams(true, true, false, false);
			client.send(ids.get("stdin"), "ping\n".getBytes(), false);
			client.send(ids.get("stdin"), "pong\n".getBytes(), true);
			client.awaitClosed(Duration.ofSeconds(30));
			assertThat(client.received(ids.get("stdout")).text()).isEqualTo("ping\npong\n");
			assertThat(this.started.getFirst().stdinEnded.getCount()).isZero();
		}
	}

	@Test
	void spdyResizeReachesTheProcess() throws Exception {
		this.processes = () -> new FakeStreamingProcess("", "", 0, true, 0, false);
		try (StreamClient client = StreamClient.spdy(execUrl(true, true, false), "v4.channel.k8s.io")) {
			Map<String, Integer> ids = client.openRemoteCommandStreams(true, true, false, true);
			waitFor(() -> !this.started.isEmpty());
			client.send(ids.get("resize"), "{\"Width\":120,\"Height\":40}\n".getBytes(), false);
			client.send(ids.get("resize"), "{\"Width\":100,".getBytes(), false);
			client.send(ids.get("resize"), "\"Height\":30}\n".getBytes(), false);
			waitFor(() -> !this.started.isEmpty() && this.started.getFirst().resizes.size() == 2);
			assertThat(this.started.getFirst().resizes).containsExactly(new int[] { 120, 40 }, new int[] { 100, 30 });
			client.send(ids.get("stdin"), new byte[0], true);
			client.awaitClosed(Duration.ofSeconds(30));
		}
	}

	@Test
	void aClientThatVanishesClosesTheProcess() throws Exception {
		this.processes = () -> new FakeStreamingProcess("", "", 0, false, 0, true);
		StreamClient client = StreamClient.spdy(execUrl(false, false, false), "v4.channel.k8s.io");
		client.openRemoteCommandStreams(false, true, false, false);
		waitFor(() -> !this.started.isEmpty());
		client.close();
		assertThat(this.started.getFirst().closed.await(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void aClientThatNeverOpensItsStreamsIsCutOffAndNothingRuns() throws Exception {
		this.processes = () -> FakeStreamingProcess.printing("", "", 0);
		try (StreamClient client = StreamClient.spdy(execUrl(false, false, true), "v4.channel.k8s.io")) {
			client.openStream(Map.of("streamType", "error"));
			client.awaitClosed(Duration.ofSeconds(15));
			assertThat(this.started).isEmpty();
		}
	}

	@Test
	void unknownUsedAndMistypedTokensAre404() throws Exception {
		this.processes = () -> FakeStreamingProcess.printing("", "", 0);
		HttpClient http = HttpClient.newHttpClient();
		String good = execUrl(false, false, false);
		assertThat(status(http, this.server.baseUrl() + "/exec/not-a-token")).isEqualTo(404);
		assertThat(status(http, good.replace("/exec/", "/attach/"))).isEqualTo(404);
		// the wrong-kind attempt used the token up
		assertThat(StreamClient.spdy(good, "v4.channel.k8s.io").httpStatus()).isEqualTo(404);
		String fresh = execUrl(false, false, false);
		try (StreamClient first = StreamClient.spdy(fresh, "v4.channel.k8s.io")) {
			assertThat(first.httpStatus()).isEqualTo(101);
		}
		assertThat(StreamClient.spdy(fresh, "v4.channel.k8s.io").httpStatus()).isEqualTo(404);
		assertThat(StreamClient.webSocket(fresh, "v5.channel.k8s.io").httpStatus()).isEqualTo(404);
	}

	@Test
	void spdyNegotiationFailuresAreHttpErrors() throws Exception {
		this.processes = () -> FakeStreamingProcess.printing("", "", 0);
		assertThat(StreamClient.spdy(execUrl(false, false, false)).httpStatus()).isEqualTo(400);
		assertThat(StreamClient.spdy(execUrl(false, false, false), "v9.channel.k8s.io").httpStatus()).isEqualTo(403);
	}

	private static int status(HttpClient http, String url) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	@Test
	void twentyConcurrentSessionsAllComplete() throws Exception {
		this.processes = () -> new FakeStreamingProcess("", "", 5L << 20, false, 0, false);
		ExecutorService pool = Executors.newFixedThreadPool(20);
		try {
			List<Future<Long>> results = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				boolean ws = i % 2 == 0;
				String url = execUrl(false, false, false);
				results.add(pool.submit((Callable<Long>) () -> {
					if (ws) {
						try (StreamClient client = StreamClient.webSocket(url, "v5.channel.k8s.io")) {
							client.awaitClosed(Duration.ofSeconds(60));
							return client.received(1).count.get();
						}
					}
					try (StreamClient client = StreamClient.spdy(url, "v4.channel.k8s.io")) {
						Map<String, Integer> ids = client.openRemoteCommandStreams(false, true, false, false);
						client.awaitClosed(Duration.ofSeconds(60));
						return client.received(ids.get("stdout")).count.get();
					}
				}));
			}
			for (Future<Long> result : results) {
				assertThat(result.get(120, TimeUnit.SECONDS)).as("session %d", results.indexOf(result)).isEqualTo(5L << 20);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void webSocketV5ExecWithStdinCloseAndStatus() throws Exception {
		this.processes = () -> new FakeStreamingProcess("hi\n", "", 0, true, 7, false);
		try (StreamClient client = StreamClient.webSocket(execUrl(false, true, true), "v5.channel.k8s.io",
				"v4.channel.k8s.io")) {
			assertThat(client.protocol()).isEqualTo("v5.channel.k8s.io");
			client.sendChannel(0, "typed\n".getBytes());
			client.sendChannel(255, new byte[] { 0 });
			client.awaitClosed(Duration.ofSeconds(30));
			assertThat(client.received(1).text()).isEqualTo("hi\ntyped\n");
			JsonNode status = Json.MAPPER.readTree(client.received(3).text());
			assertThat(status.path("reason").asString()).isEqualTo("NonZeroExitCode");
			assertThat(status.path("details").path("causes").get(0).path("message").asString()).isEqualTo("7");
		}
	}

	@Test
	void webSocketStreams100Megabytes() throws Exception {
		long size = 100L << 20;
		this.processes = () -> new FakeStreamingProcess("", "", size, false, 0, false);
		try (StreamClient client = StreamClient.webSocket(execUrl(false, false, false), "v4.channel.k8s.io")) {
			client.awaitClosed(Duration.ofSeconds(120));
			assertThat(client.received(1).count.get()).isEqualTo(size);
			assertThat(Json.MAPPER.readTree(client.received(3).text()).path("status").asString()).isEqualTo("Success");
		}
	}

	@Test
	void webSocketResizeAndVanishingClient() throws Exception {
		this.processes = () -> new FakeStreamingProcess("", "", 0, false, 0, true);
		StreamClient client = StreamClient.webSocket(execUrl(true, true, false), "v5.channel.k8s.io");
		client.sendChannel(4, "{\"Width\":90,\"Height\":20}".getBytes());
		waitFor(() -> !this.started.isEmpty() && !this.started.getFirst().resizes.isEmpty());
		assertThat(this.started.getFirst().resizes.getFirst()).containsExactly(90, 20);
		client.close();
		assertThat(this.started.getFirst().closed.await(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void portForwardOverSpdyAndOverTheWebSocketTunnel() throws Exception {
		int port = startEchoServer();
		for (boolean ws : new boolean[] { false, true }) {
			String url = url(new StreamRequest.PortForward("p1", List.of()));
			try (StreamClient client = ws ? StreamClient.webSocket(url, "SPDY/3.1+portforward.k8s.io")
					: StreamClient.spdy(url, "portforward.k8s.io")) {
				if (ws) {
					client.upgradeTunnelToSpdy();
				}
				for (int request = 0; request < 2; request++) {
					int error = client.openStream(Map.of("streamType", "error", "port", Integer.toString(port),
							"requestID", Integer.toString(request)));
					client.send(error, new byte[0], true);
					int data = client.openStream(Map.of("streamType", "data", "port", Integer.toString(port),
							"requestID", Integer.toString(request)));
					client.send(data, ("hello " + request + "\n").getBytes(), true);
					client.received(data).fin.get(10, TimeUnit.SECONDS);
					assertThat(client.received(data).text()).isEqualTo("HELLO " + request + "\n");
					client.received(error).fin.get(10, TimeUnit.SECONDS);
					assertThat(client.received(error).text()).isEmpty();
				}
			}
		}
	}

	@Test
	void portForwardToAClosedPortReportsOnTheErrorStream() throws Exception {
		int port;
		try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = unused.getLocalPort();
		}
		String url = url(new StreamRequest.PortForward("p1", List.of()));
		try (StreamClient client = StreamClient.spdy(url, "portforward.k8s.io")) {
			int error = client.openStream(Map.of("streamType", "error", "port", Integer.toString(port), "requestID", "0"));
			int data = client.openStream(Map.of("streamType", "data", "port", Integer.toString(port), "requestID", "0"));
			client.received(error).fin.get(10, TimeUnit.SECONDS);
			assertThat(client.received(error).text()).contains("port " + port);
			client.received(data).fin.get(10, TimeUnit.SECONDS);
		}
	}

	/** Upper-cases what it reads until end of input, then closes. */
	private int startEchoServer() throws IOException {
		this.echoServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread.ofVirtual().start(() -> {
			while (!this.echoServer.isClosed()) {
				try {
					Socket socket = this.echoServer.accept();
					Thread.ofVirtual().start(() -> {
						try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
							byte[] all = in.readAllBytes();
							out.write(new String(all, StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8));
						}
						catch (IOException ex) {
							// test over
						}
					});
				}
				catch (IOException ex) {
					return;
				}
			}
		});
		return this.echoServer.getLocalPort();
	}

	static void waitFor(Supplier<Boolean> condition) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!condition.get()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("condition not met within 10 s");
			}
			Thread.sleep(20);
		}
	}

}
