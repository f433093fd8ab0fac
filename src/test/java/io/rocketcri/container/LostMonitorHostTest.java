package io.rocketcri.container;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.ContainerState;
import io.rocketcri.cri.api.ContainerStatus;
import io.rocketcri.cri.api.ContainerStatusRequest;
import io.rocketcri.cri.api.CreateContainerRequest;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.LinuxPodSandboxConfig;
import io.rocketcri.cri.api.LinuxSandboxSecurityContext;
import io.rocketcri.cri.api.NamespaceMode;
import io.rocketcri.cri.api.NamespaceOption;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.cri.api.RemoveContainerRequest;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A container whose conmon is killed (the OOM killer, a stray kill -9) and whose process then
 * dies: no exit file will ever come, so it must be reported exited (255), not RUNNING forever,
 * and still be removable.
 */
@Tag("host")
@SpringBootTest
class LostMonitorHostTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("lost-monitor");

	static final TestRegistry registry = TestRegistry.shared();

	static CriSocketClient client;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry props) {
		runtime.register(props);
		runtime.trustRegistry(registry.address());
	}

	@BeforeAll
	static void connect() {
		client = new CriSocketClient(runtime.socket());
	}

	@AfterAll
	static void close() throws InterruptedException {
		client.close();
	}

	@Test
	void aContainerWhoseConmonAndProcessDiedIsReportedExitedWith255() throws Exception {
		PushedImage image = registry.pusher()
			.push(OciImageBuilder.busybox().cmd("sh").build(), TestRegistry.uniqueRepository("lost"), "v1");
		client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image.reference())).build());
		PodSandboxConfig pod = PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder().setName("lost").setNamespace("lost").setUid(UUID.randomUUID().toString()))
			.setLogDirectory(runtime.root().resolve("logs/lost").toString())
			.setLinux(LinuxPodSandboxConfig.newBuilder()
				.setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
					.setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE))))
			.build();
		String podId = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId();
		try {
			String id = client.runtime()
				.createContainer(CreateContainerRequest.newBuilder()
					.setPodSandboxId(podId)
					.setSandboxConfig(pod)
					.setConfig(ContainerConfig.newBuilder()
						.setMetadata(ContainerMetadata.newBuilder().setName("sleeper"))
						.setImage(ImageSpec.newBuilder().setImage(image.reference()))
						.addAllCommand(List.of("sleep", "3600"))
						.setLogPath("sleeper.log"))
					.build())
				.getContainerId();
			client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
			int pid = new ObjectMapper().readTree(client.runtime()
				.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).setVerbose(true).build())
				.getInfoOrThrow("info")).path("pid").asInt();
			long conmon = conmonOf(id);

			kill(conmon);
			Thread.sleep(1500);
			assertThat(status(id).getState()).as("the process still runs, unmonitored").isEqualTo(ContainerState.CONTAINER_RUNNING);
			kill(pid);

			ContainerStatus exited = null;
			for (int i = 0; i < 100 && exited == null; i++) {
				ContainerStatus s = status(id);
				if (s.getState() == ContainerState.CONTAINER_EXITED) {
					exited = s;
				}
				Thread.sleep(100);
			}
			assertThat(exited).as("reported exited within 10 s").isNotNull();
			assertThat(exited.getExitCode()).isEqualTo(255);
			assertThat(exited.getReason()).isEqualTo("Error");
			client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
		}
		finally {
			client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
			client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
		}
	}

	static ContainerStatus status(String id) {
		return client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
	}

	/** The conmon process that monitors {@code id}: the one whose command line names it. */
	static long conmonOf(String id) throws Exception {
		try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
			return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
				try {
					String cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
					return cmdline.contains("conmon") && cmdline.contains("--cid " + id + " ");
				}
				catch (Exception ex) {
					return false;
				}
			}).map(p -> Long.parseLong(p.getFileName().toString())).findFirst().orElseThrow();
		}
	}

	static void kill(long pid) throws Exception {
		assertThat(new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor()).isZero();
	}

}
