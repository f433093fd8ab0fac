package io.rocketcri.cri;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.ContainerState;
import io.rocketcri.cri.api.ContainerStatusRequest;
import io.rocketcri.cri.api.CreateContainerRequest;
import io.rocketcri.cri.api.DNSConfig;
import io.rocketcri.cri.api.ExecSyncRequest;
import io.rocketcri.cri.api.ExecSyncResponse;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.LinuxPodSandboxConfig;
import io.rocketcri.cri.api.ListContainersRequest;
import io.rocketcri.cri.api.ListPodSandboxRequest;
import io.rocketcri.cri.api.Mount;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.cri.api.PodSandboxState;
import io.rocketcri.cri.api.PodSandboxStatusRequest;
import io.rocketcri.cri.api.PortMapping;
import io.rocketcri.cri.api.Protocol;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.cri.api.RemoveContainerRequest;
import io.rocketcri.cri.api.RemovePodSandboxRequest;
import io.rocketcri.cri.api.RunPodSandboxRequest;
import io.rocketcri.cri.api.StartContainerRequest;
import io.rocketcri.cri.api.StopContainerRequest;
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

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pods and containers for real, as kubelet drives them: pinned namespaces, a CNI bridge network
 * with a port mapping reached on 127.0.0.1, containers under conmon + runc, CRI logs, exec.
 */
@Tag("host")
@SpringBootTest
class CriPodLifecycleHostTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("pods");

	static final TestRegistry registry = TestRegistry.shared();

	static final String BRIDGE = "rcri-it0";

	static final int HOST_PORT = 18431;

	static CriSocketClient client;

	static PushedImage busybox;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry props) throws IOException {
		runtime.register(props);
		runtime.bridgeNetwork("rocket-it", BRIDGE, "10.232.7.0/24", true);
		runtime.trustRegistry(registry.address());
	}

	@BeforeAll
	static void connect() {
		client = new CriSocketClient(runtime.socket());
	}

	/** After the Spring context (and with it the socket) is up: JUnit's BeforeAll runs earlier. */
	@BeforeEach
	void pullBusyboxOnce() {
		if (busybox == null) {
			busybox = registry.pusher().push(OciImageBuilder.busybox().cmd("sh").build(), TestRegistry.uniqueRepository("bb"), "v1");
			client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(busybox.reference())).build());
		}
	}

	@AfterAll
	static void tearDown() throws Exception {
		client.close();
		new ProcessBuilder("ip", "link", "del", BRIDGE).start().waitFor();
	}

	static PodSandboxConfig podConfig(String name) {
		return PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("it").setUid(UUID.randomUUID().toString()))
			.setHostname(name)
			.setLogDirectory(runtime.root().resolve("logs/" + name).toString())
			.setDnsConfig(DNSConfig.newBuilder().addServers("10.232.7.53").addSearches("it.svc.cluster.local"))
			.setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/rocket-cri-it"))
			.putLabels("app", name)
			.build();
	}

	static String runPod(PodSandboxConfig config) {
		return client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
	}

	static String createContainer(String podId, PodSandboxConfig pod, String name, String... command) {
		return client.runtime()
			.createContainer(CreateContainerRequest.newBuilder()
				.setPodSandboxId(podId)
				.setSandboxConfig(pod)
				.setConfig(ContainerConfig.newBuilder()
					.setMetadata(ContainerMetadata.newBuilder().setName(name))
					.setImage(ImageSpec.newBuilder().setImage(busybox.reference()))
					.addAllCommand(List.of(command))
					.setLogPath(name + ".log"))
				.build())
			.getContainerId();
	}

	static ExecSyncResponse exec(String containerId, String... cmd) {
		return client.runtime()
			.execSync(ExecSyncRequest.newBuilder().setContainerId(containerId).addAllCmd(List.of(cmd)).setTimeout(10).build());
	}

	static void cleanup(String podId) {
		client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
		client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
	}

	@Test
	void podServesAPortMappingOnLocalhostAndContainersSeeThePod() throws Exception {
		PodSandboxConfig config = podConfig("web").toBuilder()
			.addPortMappings(PortMapping.newBuilder().setProtocol(Protocol.TCP).setContainerPort(80).setHostPort(HOST_PORT))
			.build();
		String podId = runPod(config);
		try {
			var status = client.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build()).getStatus();
			assertThat(status.getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
			assertThat(status.getNetwork().getIp()).startsWith("10.232.7.");
			assertThat(runPod(config)).as("a retried RunPodSandbox returns the same id").isEqualTo(podId);
			List<String> streamed = new java.util.ArrayList<>();
			client.runtime()
				.streamPodSandboxes(io.rocketcri.cri.api.StreamPodSandboxesRequest.getDefaultInstance())
				.forEachRemaining(r -> r.getPodSandboxesList().forEach(p -> streamed.add(p.getId())));
			assertThat(streamed).contains(podId);

			String web = createContainer(podId, config, "httpd", "sh", "-c",
					"mkdir -p /www && echo hello-from-pod > /www/index.html && exec httpd -f -p 80 -h /www");
			client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(web).build());
			var cs = client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(web).build()).getStatus();
			assertThat(cs.getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
			assertThat(cs.getImageId()).isEqualTo(busybox.imageId());

			assertThat(httpGet("http://127.0.0.1:" + HOST_PORT + "/")).contains("hello-from-pod");
			assertThat(httpGet("http://" + status.getNetwork().getIp() + ":80/")).contains("hello-from-pod");

			assertThat(exec(web, "hostname").getStdout().toStringUtf8().strip()).isEqualTo("web");
			assertThat(exec(web, "cat", "/etc/resolv.conf").getStdout().toStringUtf8()).contains("nameserver 10.232.7.53")
				.contains("search it.svc.cluster.local");
			ExecSyncResponse failing = exec(web, "sh", "-c", "echo out; echo err >&2; exit 7");
			assertThat(failing.getExitCode()).isEqualTo(7);
			assertThat(failing.getStdout().toStringUtf8()).isEqualTo("out\n");
			assertThat(failing.getStderr().toStringUtf8()).isEqualTo("err\n");
			assertThatThrownBy(() -> client.runtime()
				.execSync(ExecSyncRequest.newBuilder().setContainerId(web).addAllCmd(List.of("sleep", "30")).setTimeout(1).build()))
				.isInstanceOfSatisfying(StatusRuntimeException.class,
						ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));

			long start = System.nanoTime();
			client.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(web).setTimeout(10).build());
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(9));
			cs = client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(web).build()).getStatus();
			assertThat(cs.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
		}
		finally {
			cleanup(podId);
		}
		assertThat(client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList())
			.noneMatch(p -> p.getId().equals(podId));
		assertThat(client.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList())
			.noneMatch(c -> c.getPodSandboxId().equals(podId));
		// nothing of the pod is left on the host
		try (Stream<Path> ns = Files.walk(runtime.state().resolve("ns"))) {
			assertThat(ns.filter(Files::isRegularFile).map(Path::toString)).noneMatch(p -> p.contains(podId));
		}
	}

	@Test
	void containerLogsAndExitCodesReachKubelet() throws Exception {
		PodSandboxConfig config = podConfig("logs");
		String podId = runPod(config);
		try {
			String ok = createContainer(podId, config, "ok", "sh", "-c", "echo line one; printf partial");
			String bad = createContainer(podId, config, "bad", "sh", "-c", "echo oops >&2; exit 3");
			client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(ok).build());
			client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(bad).build());
			var okStatus = awaitExit(ok);
			var badStatus = awaitExit(bad);
			assertThat(okStatus.getExitCode()).isZero();
			assertThat(okStatus.getReason()).isEqualTo("Completed");
			assertThat(badStatus.getExitCode()).isEqualTo(3);
			assertThat(badStatus.getReason()).isEqualTo("Error");
			assertThat(okStatus.getFinishedAt()).isGreaterThanOrEqualTo(okStatus.getStartedAt());
			List<String> log = Files.readAllLines(Path.of(okStatus.getLogPath()), StandardCharsets.UTF_8);
			assertThat(log).anySatisfy(l -> assertThat(l).matches("\\S+ stdout F line one"));
			assertThat(log).anySatisfy(l -> assertThat(l).matches("\\S+ stdout P partial"));
			assertThat(Files.readString(Path.of(badStatus.getLogPath()))).contains(" stderr F oops");
			client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(ok).build());
			client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(ok).build());
		}
		finally {
			cleanup(podId);
		}
	}

	@Test
	void badRequestsGetClearErrorsAndLeaveNothing() {
		PodSandboxConfig config = podConfig("bad-input");
		String podId = runPod(config);
		try {
			assertCode(() -> createContainer("no-such-pod", config, "x", "true"), Status.Code.NOT_FOUND, "no-such-pod");
			assertCode(() -> client.runtime()
				.createContainer(CreateContainerRequest.newBuilder()
					.setPodSandboxId(podId)
					.setConfig(ContainerConfig.newBuilder()
						.setMetadata(ContainerMetadata.newBuilder().setName("noimage"))
						.setImage(ImageSpec.newBuilder().setImage(registry.address() + "/never/pulled:v1")))
					.build()), Status.Code.NOT_FOUND, "never/pulled");
			assertCode(() -> client.runtime()
				.createContainer(CreateContainerRequest.newBuilder()
					.setPodSandboxId(podId)
					.setConfig(ContainerConfig.newBuilder()
						.setMetadata(ContainerMetadata.newBuilder().setName("relative"))
						.setImage(ImageSpec.newBuilder().setImage(busybox.reference()))
						.addMounts(Mount.newBuilder().setContainerPath("/data").setHostPath("relative/path")))
					.build()), Status.Code.INVALID_ARGUMENT, "host_path");
			assertCode(() -> client.runtime()
				.createContainer(CreateContainerRequest.newBuilder()
					.setPodSandboxId(podId)
					.setSandboxConfig(config)
					.setConfig(ContainerConfig.newBuilder()
						.setMetadata(ContainerMetadata.newBuilder().setName("escape"))
						.setImage(ImageSpec.newBuilder().setImage(busybox.reference()))
						.setLogPath("../../../../etc/evil.log"))
					.build()), Status.Code.INVALID_ARGUMENT, "log_path");
			assertCode(() -> createContainer(podId, config, "nocommand", "/bin/no-such-binary"),
					Status.Code.FAILED_PRECONDITION, "no-such-binary");
			assertThat(client.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList())
				.noneMatch(c -> c.getPodSandboxId().equals(podId));
			try (Stream<Path> dirs = Files.list(runtime.root().resolve("containers"))) {
				assertThat(dirs).isEmpty();
			}
			catch (java.nio.file.NoSuchFileException ex) {
				// never created: nothing left either
			}
			catch (IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
			client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
			assertCode(() -> createContainer(podId, config, "late", "true"), Status.Code.FAILED_PRECONDITION, podId);
		}
		finally {
			cleanup(podId);
		}
		// stop and remove of a pod or container that is gone succeed: kubelet retries them
		cleanup(podId);
		client.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId("0123456789ab").build());
		client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId("0123456789ab").build());
	}

	private static io.rocketcri.cri.api.ContainerStatus awaitExit(String id) throws InterruptedException {
		for (int i = 0; i < 100; i++) {
			var s = client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
			if (s.getState() == ContainerState.CONTAINER_EXITED) {
				return s;
			}
			Thread.sleep(100);
		}
		throw new AssertionError("container " + id + " did not exit within 10s");
	}

	private static String httpGet(String url) throws Exception {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		Exception last = null;
		for (int i = 0; i < 20; i++) {
			try {
				return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
						HttpResponse.BodyHandlers.ofString()).body();
			}
			catch (IOException ex) {
				last = ex;
				Thread.sleep(250);
			}
		}
		throw last;
	}

	private static void assertCode(Runnable call, Status.Code code, String mentioned) {
		assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, ex -> {
			assertThat(ex.getStatus().getCode()).isEqualTo(code);
			assertThat(ex.getStatus().getDescription()).contains(mentioned);
		});
	}

}
