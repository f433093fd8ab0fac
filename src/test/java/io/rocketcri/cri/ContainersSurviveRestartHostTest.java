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

/** Containers keep running while rocket-cri restarts, and the restarted runtime drives them. */
@Tag("host")
class ContainersSurviveRestartHostTest {

	@Test
	void aRunningContainerOutlivesARuntimeRestart() throws Exception {
		RuntimeUnderTest runtime = new RuntimeUnderTest("ctr-restart");
		TestRegistry registry = TestRegistry.shared();
		Files.createDirectories(runtime.cniConfigDir());
		runtime.trustRegistry(registry.address());
		PushedImage busybox = registry.pusher().push(OciImageBuilder.busybox().build(), TestRegistry.uniqueRepository("restart"), "v1");
		// host network: this test is about the runtime's own restart, not CNI
		PodSandboxConfig pod = PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder().setName("survivor").setNamespace("it").setUid(UUID.randomUUID().toString()))
			.setLinux(LinuxPodSandboxConfig.newBuilder()
				.setCgroupParent("/rocket-cri-it")
				.setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
					.setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE).setPid(NamespaceMode.CONTAINER))))
			.build();
		String podId;
		String containerId;
		try (ConfigurableApplicationContext first = start(runtime); CriSocketClient client = new CriSocketClient(runtime.socket())) {
			client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(busybox.reference())).build());
			podId = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId();
			containerId = client.runtime()
				.createContainer(CreateContainerRequest.newBuilder()
					.setPodSandboxId(podId)
					.setSandboxConfig(pod)
					.setConfig(ContainerConfig.newBuilder()
						.setMetadata(ContainerMetadata.newBuilder().setName("sleeper"))
						.setImage(ImageSpec.newBuilder().setImage(busybox.reference()))
						.addAllCommand(List.of("sleep", "3600")))
					.build())
				.getContainerId();
			client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
		}
		try (ConfigurableApplicationContext second = start(runtime); CriSocketClient client = new CriSocketClient(runtime.socket())) {
			assertThat(client.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build())
				.getStatus().getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
			assertThat(client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(containerId).build())
				.getStatus().getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
			assertThat(client.runtime()
				.execSync(ExecSyncRequest.newBuilder().setContainerId(containerId).addCmd("echo").addCmd("still-here").setTimeout(10).build())
				.getStdout().toStringUtf8()).isEqualTo("still-here\n");
			client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
			assertThat(client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(containerId).build())
				.getStatus().getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
			client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
		}
	}

	private static ConfigurableApplicationContext start(RuntimeUnderTest runtime) {
		return new SpringApplicationBuilder(RocketCriApplication.class).run("--rocket.root=" + runtime.root(),
				"--rocket.state=" + runtime.state(), "--rocket.cri.socket=unix://" + runtime.socket(),
				"--rocket.image.registries-config=" + runtime.registriesConf(),
				"--rocket.network.cni-config-dir=" + runtime.cniConfigDir(), "--server.port=0");
	}

}
