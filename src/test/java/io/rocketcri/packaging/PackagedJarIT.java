package io.rocketcri.packaging;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.rocketcri.cri.api.ContainerState;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.ListContainersRequest;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.cri.api.RemoveContainerRequest;
import io.rocketcri.cri.api.StatusRequest;
import io.rocketcri.cri.api.StopContainerRequest;
import io.rocketcri.cri.api.VersionRequest;
import io.rocketcri.testsupport.CriPods;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.OciImageBuilder;
import io.rocketcri.testsupport.RuntimeUnderTest;
import io.rocketcri.testsupport.TestRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar the build packaged, started the way the README, the systemd unit and the node image
 * start it ({@code java @docker/jvm.options -XX:AOTCache=… -jar …}): with the bean definitions
 * Spring AOT generated at build time, which the tests before packaging never run. One pod and
 * container over the CRI socket, the console's sign-in, the REST API with its session, the
 * OpenAPI document and the metrics, so that a bean that only exists without AOT shows here.
 */
@Tag("host")
class PackagedJarIT {

	static final Path TARGET = Path.of("target");

	@Test
	void theJarAsOperatorsStartItServesCriTheConsoleAndTheApi() throws Exception {
		Path unpacked = TARGET.resolve("rocket-cri/rocket-cri.jar");
		Path jar = Files.exists(unpacked) ? unpacked : TARGET.resolve("rocket-cri.jar"); // -Daot.skip=true
		assertThat(jar).as("the packaged jar").exists();
		Path cache = TARGET.resolve("rocket-cri/rocket-cri.aot");
		RuntimeUnderTest runtime = new RuntimeUnderTest("packaged-jar");
		TestRegistry registry = TestRegistry.shared();
		runtime.trustRegistry(registry.address());
		int port = freePort();
		List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"@docker/jvm.options"));
		if (Files.exists(cache) && jar.equals(unpacked)) {
			argv.add("-XX:AOTCache=" + cache);
		}
		argv.addAll(List.of("-jar", jar.toString(), "--rocket.root=" + runtime.root(), "--rocket.state=" + runtime.state(),
				"--rocket.cri.socket=unix://" + runtime.socket(), "--rocket.image.registries-config=" + runtime.registriesConf(),
				"--rocket.network.cni-config-dir=" + runtime.cniConfigDir(), "--server.port=" + port));
		Path log = runtime.root().getParent().resolve("rocket-cri.log");
		Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		try (CriSocketClient client = new CriSocketClient(runtime.socket())) {
			awaitReady(client, process, log);
			assertThat(Files.readString(log)).as("started with the build's AOT bean definitions")
				.contains("Starting AOT-processed RocketCriApplication");

			// CRI: a pod on the host network and a container, as kubelet drives them
			assertThat(client.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName()).isEqualTo("rocket-cri");
			assertThat(client.runtime().status(StatusRequest.getDefaultInstance()).getStatus().getConditionsList())
				.anyMatch(c -> c.getType().equals("RuntimeReady") && c.getStatus());
			String image = registry.pusher()
				.push(OciImageBuilder.busybox().build(), TestRegistry.uniqueRepository("packaged"), "v1")
				.reference();
			client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
			CriPods pods = new CriPods(client, runtime, "packaged");
			PodSandboxConfig pod = pods.hostNetworkPod("web");
			String podId = pods.run(pod);
			String id = pods.sleeper(podId, pod, "app", image, c -> c);
			assertThat(client.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList())
				.singleElement()
				.satisfies(c -> {
					assertThat(c.getId()).isEqualTo(id);
					assertThat(c.getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
				});
			assertThat(pods.exec(id, "echo", "hi").getStdout().toStringUtf8()).isEqualTo("hi\n");

			// console and REST API: sign in as the first start's admin, then read the pod back
			HttpClient http = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();
			String base = "http://127.0.0.1:" + port;
			HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(login.statusCode()).isEqualTo(200);
			Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(login.body());
			assertThat(csrf.find()).as("the sign-in form's CSRF token").isTrue();
			// written just after the CRI socket opens to kubelet
			Path passwordFile = runtime.root().resolve("console/initial-admin-password");
			for (int i = 0; i < 100 && !Files.exists(passwordFile); i++) {
				Thread.sleep(100);
			}
			String password = Files.readString(passwordFile).strip();
			HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("username=admin&password="
						+ java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8) + "&_csrf="
						+ csrf.group(1)))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(signedIn.statusCode()).isEqualTo(302);
			assertThat(signedIn.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
			assertThat(get(http, base + "/pods")).contains("web");
			assertThat(get(http, base + "/api/v1/pods")).contains(podId);
			assertThat(get(http, base + "/v3/api-docs")).contains("\"openapi\"");
			assertThat(get(http, base + "/swagger-ui/index.html")).contains("/vendor/swagger-ui/swagger-ui-bundle.js");
			assertThat(get(http, base + "/vendor/swagger-ui/swagger-ui-bundle.js")).contains("SwaggerUIBundle");
			assertThat(get(http, base + "/actuator/prometheus")).contains("rocket_cri_operation_duration");

			client.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).build());
			client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
			pods.remove(podId);
		}
		finally {
			process.destroy(); // SIGTERM: the graceful shutdown the systemd unit asks for
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
		assertThat(process.exitValue()).as("exit code after SIGTERM; see " + log).isIn(0, 143);
	}

	private static String get(HttpClient http, String url) throws IOException, InterruptedException {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("GET " + url).isEqualTo(200);
		return response.body();
	}

	private static void awaitReady(CriSocketClient client, Process process, Path log) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new AssertionError("rocket-cri exited with " + process.exitValue() + ":\n" + Files.readString(log));
			}
			try {
				client.runtime().withDeadlineAfter(2, TimeUnit.SECONDS).version(VersionRequest.getDefaultInstance());
				return;
			}
			catch (io.grpc.StatusRuntimeException ex) {
				Thread.sleep(100);
			}
		}
		throw new AssertionError("rocket-cri did not answer Version within 90 s:\n" + Files.readString(log));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
