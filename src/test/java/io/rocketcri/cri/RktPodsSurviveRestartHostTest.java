package io.rocketcri.cri;

import java.nio.file.Files;
import java.util.List;
import java.util.UUID;
import io.rocketcri.RocketCriApplication;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.ContainerState;
import io.rocketcri.cri.api.ContainerStatusRequest;
import io.rocketcri.cri.api.CreateContainerRequest;
import io.rocketcri.cri.api.ExecSyncRequest;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.LinuxPodSandboxConfig;
import io.rocketcri.cri.api.LinuxSandboxSecurityContext;
import io.rocketcri.cri.api.NamespaceMode;
import io.rocketcri.cri.api.NamespaceOption;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.cri.api.PodSandboxState;
import io.rocketcri.cri.api.PodSandboxStatusRequest;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import static org.assertj.core.api.Assertions.assertThat;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * An rkt pod outlives a rocket-cri restart (its sandbox runs in a session of its own), and the
 * restarted runtime drives it: the container is still running, its log is copied on from where
 * the first run stopped (no line twice), exec works, and stop and remove finish it. Skipped, saying
 * so, without rkt (see {@link CriRktHandlerHostTest}).
 */
@Tag("host")
class RktPodsSurviveRestartHostTest {

	@Test
	void anRktPodOutlivesARuntimeRestart() throws Exception {
		Assumptions.assumeTrue(CriRktHandlerHostTest.rkt.isPresent(), () -> {
			System.out.println("RktPodsSurviveRestartHostTest SKIPPED: no rkt binary (set -Drkt.path=/path/to/rkt or RKT_PATH)");
			return "skipped: no rkt binary (set -Drkt.path=/path/to/rkt or RKT_PATH, or put rkt on PATH)";
		});
		RuntimeUnderTest runtime = new RuntimeUnderTest("rkt-restart");
		TestRegistry registry = TestRegistry.shared();
		Files.createDirectories(runtime.cniConfigDir());
		runtime.trustRegistry(registry.address());
		PushedImage busybox = registry.pusher()
			.push(OciImageBuilder.busybox().format(OciImageBuilder.Format.DOCKER_SCHEMA2).build(),
					TestRegistry.uniqueRepository("rkt-restart"), "v1");
		PodSandboxConfig pod = PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder().setName("rkt-survivor").setNamespace("it").setUid(UUID.randomUUID().toString()))
			.setLogDirectory(runtime.root().resolve("logs/survivor").toString())
			.setLinux(LinuxPodSandboxConfig.newBuilder()
				.setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
					.setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE))))
			.build();
		Path log = runtime.root().resolve("logs/survivor/ticker.log");
		String podId;
		String containerId;
		int ticksBefore;
		try (ConfigurableApplicationContext first = start(runtime); CriSocketClient client = new CriSocketClient(runtime.socket())) {
			client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(busybox.reference())).build());
			podId = client.runtime()
				.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).setRuntimeHandler("rkt").build())
				.getPodSandboxId();
			containerId = client.runtime()
				.createContainer(CreateContainerRequest.newBuilder()
					.setPodSandboxId(podId)
					.setSandboxConfig(pod)
					.setConfig(ContainerConfig.newBuilder()
						.setMetadata(ContainerMetadata.newBuilder().setName("ticker"))
						.setImage(ImageSpec.newBuilder().setImage(busybox.reference()))
						.addAllCommand(List.of("/bin/sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done"))
						.setLogPath("ticker.log"))
					.build())
				.getContainerId();
			client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
			ticksBefore = awaitTicks(log, 3);
		}
		try (ConfigurableApplicationContext second = start(runtime); CriSocketClient client = new CriSocketClient(runtime.socket())) {
			assertThat(client.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build())
				.getStatus().getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
			assertThat(client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(containerId).build())
				.getStatus().getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
			int ticksAfter = awaitTicks(log, ticksBefore + 10);
			List<String> ticks = Files.readAllLines(log).stream().map(l -> l.substring(l.indexOf(" F ") + 3)).toList();
			assertThat(ticks).as("each tick once, in order, across the restart")
				.startsWith("tick 1", "tick 2", "tick 3")
				.doesNotHaveDuplicates();
			assertThat(ticksAfter).isGreaterThan(ticksBefore);
			assertThat(client.runtime()
				.execSync(ExecSyncRequest.newBuilder().setContainerId(containerId).addCmd("echo").addCmd("still-here").setTimeout(10).build())
				.getStdout().toStringUtf8()).isEqualTo("still-here\n");
			client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
			assertThat(client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(containerId).build())
				.getStatus().getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
			client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
		}
		finally {
			forceRemoveRktPods(runtime.root().resolve("rkt"));
			new ProcessBuilder("rm", "-rf", "--one-file-system", runtime.root().resolve("rkt").toString()).start().waitFor();
		}
	}

	/** A failed test must not leave its rkt pods running: stop (kill) and remove whatever rkt lists. */
	static void forceRemoveRktPods(Path dataDir) throws Exception {
		String rkt = CriRktHandlerHostTest.rkt.orElseThrow().toString();
		ProcessBuilder list = new ProcessBuilder(rkt, "--dir=" + dataDir, "list", "--no-legend", "--full");
		list.environment().put("RKT_EXPERIMENT_APP", "true");
		Process p = list.redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		p.waitFor();
		for (String line : out.lines().toList()) {
			String uuid = line.strip().split("\\s+")[0];
			if (uuid.matches("[0-9a-f-]{36}")) {
				new ProcessBuilder(rkt, "--dir=" + dataDir, "stop", "--force=true", uuid).start().waitFor();
				Thread.sleep(1000);
				new ProcessBuilder(rkt, "--dir=" + dataDir, "rm", uuid).start().waitFor();
			}
		}
	}

	/** Waits until the log has at least {@code count} lines and returns how many it has. */
	private static int awaitTicks(Path log, int count) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			if (Files.exists(log)) {
				int lines = Files.readAllLines(log).size();
				if (lines >= count) {
					return lines;
				}
			}
			Thread.sleep(100);
		}
		throw new AssertionError("fewer than " + count + " lines in " + log + " after 30 s");
	}

	private static ConfigurableApplicationContext start(RuntimeUnderTest runtime) {
		List<String> args = new java.util.ArrayList<>(List.of("--rocket.root=" + runtime.root(),
				"--rocket.state=" + runtime.state(), "--rocket.cri.socket=unix://" + runtime.socket(),
				"--rocket.image.registries-config=" + runtime.registriesConf(),
				"--rocket.network.cni-config-dir=" + runtime.cniConfigDir(), "--server.port=0",
				"--rocket.rkt.path=" + CriRktHandlerHostTest.rkt.orElseThrow(),
				"--rocket.rkt.data-dir=" + runtime.root().resolve("rkt"), "--rocket.rkt.no-overlay=true",
				"--rocket.rkt.ready-timeout=120s"));
		CriRktHandlerHostTest.stage1().ifPresent(s -> args.add("--rocket.rkt.stage1-image=" + s));
		return new SpringApplicationBuilder(RocketCriApplication.class).run(args.toArray(String[]::new));
	}

}
