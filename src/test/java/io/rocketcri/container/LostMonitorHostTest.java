package io.rocketcri.container;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.rocketcri.cri.api.ContainerState;
import io.rocketcri.cri.api.ContainerStatus;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.cri.api.RemoveContainerRequest;
import io.rocketcri.testsupport.CriPods;
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
		CriPods pods = new CriPods(client, runtime, "lost");
		PodSandboxConfig pod = pods.hostNetworkPod("lost");
		String podId = pods.run(pod);
		try {
			String id = pods.sleeper(podId, pod, "sleeper", image.reference(), c -> c);
			int pid = pods.pid(id);
			long conmon = conmonOf(id);

			kill(conmon);
			Thread.sleep(1500);
			assertThat(pods.status(id).getState()).as("the process still runs, unmonitored")
				.isEqualTo(ContainerState.CONTAINER_RUNNING);
			kill(pid);

			ContainerStatus exited = pods.awaitExit(id, java.time.Duration.ofSeconds(10));
			assertThat(exited.getExitCode()).isEqualTo(255);
			assertThat(exited.getReason()).isEqualTo("Error");
			client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
		}
		finally {
			pods.remove(podId);
		}
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
