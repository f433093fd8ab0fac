package io.rocketcri.container;

import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.ContainerStatus;
import io.rocketcri.cri.api.ContainerStatusRequest;
import io.rocketcri.cri.api.CreateContainerRequest;
import io.rocketcri.cri.api.ExecSyncRequest;
import io.rocketcri.cri.api.ExecSyncResponse;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.Int64Value;
import io.rocketcri.cri.api.LinuxContainerConfig;
import io.rocketcri.cri.api.LinuxContainerSecurityContext;
import io.rocketcri.cri.api.LinuxPodSandboxConfig;
import io.rocketcri.cri.api.LinuxSandboxSecurityContext;
import io.rocketcri.cri.api.NamespaceMode;
import io.rocketcri.cri.api.NamespaceOption;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.cri.api.RemovePodSandboxRequest;
import io.rocketcri.cri.api.RunPodSandboxRequest;
import io.rocketcri.cri.api.StartContainerRequest;
import io.rocketcri.cri.api.StatusRequest;
import io.rocketcri.cri.api.StopPodSandboxRequest;
import io.rocketcri.cri.api.SupplementalGroupsPolicy;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.LayerBuilder;
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

/**
 * CRI features kubelet 1.33+ sends, on real containers: supplemental groups policy and the
 * effective user in ContainerStatus. Pods use the host network, so no CNI is involved.
 */
@Tag("host")
@SpringBootTest
class NewerCriFeaturesHostTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("newer-cri");

	static final TestRegistry registry = TestRegistry.shared();

	static CriSocketClient client;

	static PushedImage image;

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

	/** The socket is up only once the Spring context is: JUnit's BeforeAll runs before it. */
	@BeforeEach
	void pushImageOnce() {
		if (image == null) {
			// user app (1000) is listed in group extra (5000) by the image's /etc/group
			image = registry.pusher()
				.push(OciImageBuilder.busybox()
					.layer(LayerBuilder.create()
						.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n")
						.file("etc/group", "root:x:0:\napp:x:1000:\nextra:x:5000:app\n"))
					.cmd("sh")
					.build(), TestRegistry.uniqueRepository("newer-cri"), "v1");
			client.images()
				.pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image.reference())).build());
		}
	}

	@Test
	void statusAdvertisesSupplementalGroupsPolicy() {
		assertThat(client.runtime().status(StatusRequest.getDefaultInstance()).getFeatures().getSupplementalGroupsPolicy())
			.isTrue();
	}

	@Test
	void mergeAddsTheImagesGroupsAndStrictDoesNotAndStatusSaysWhichApplied() throws Exception {
		PodSandboxConfig pod = hostNetworkPod("groups");
		String podId = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId();
		try {
			String merge = startSleeper(podId, pod, "merge", sc -> sc.setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Merge));
			String strict = startSleeper(podId, pod, "strict", sc -> sc.setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Strict));

			ContainerStatus mergeStatus = status(merge);
			assertThat(mergeStatus.getUser().getLinux().getUid()).isEqualTo(1000);
			assertThat(mergeStatus.getUser().getLinux().getGid()).isEqualTo(1000);
			assertThat(mergeStatus.getUser().getLinux().getSupplementalGroupsList()).contains(1000L, 5000L, 6000L);
			assertThat(exec(merge, "id", "-G").getStdout().toStringUtf8().strip().split(" ")).contains("1000", "5000", "6000");

			ContainerStatus strictStatus = status(strict);
			assertThat(strictStatus.getUser().getLinux().getSupplementalGroupsList()).contains(1000L, 6000L)
				.doesNotContain(5000L);
			assertThat(exec(strict, "id", "-G").getStdout().toStringUtf8().strip().split(" ")).contains("1000", "6000")
				.doesNotContain("5000");
		}
		finally {
			client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
			client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
		}
	}

	static PodSandboxConfig hostNetworkPod(String name) {
		return PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("newer-cri").setUid(UUID.randomUUID().toString()))
			.setLogDirectory(runtime.root().resolve("logs/" + name).toString())
			.setLinux(LinuxPodSandboxConfig.newBuilder()
				.setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
					.setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE))))
			.build();
	}

	static String startSleeper(String podId, PodSandboxConfig pod, String name,
			UnaryOperator<LinuxContainerSecurityContext.Builder> security) {
		LinuxContainerSecurityContext.Builder sc = LinuxContainerSecurityContext.newBuilder()
			.setRunAsUser(Int64Value.newBuilder().setValue(1000))
			.addSupplementalGroups(6000);
		String id = client.runtime()
			.createContainer(CreateContainerRequest.newBuilder()
				.setPodSandboxId(podId)
				.setSandboxConfig(pod)
				.setConfig(ContainerConfig.newBuilder()
					.setMetadata(ContainerMetadata.newBuilder().setName(name))
					.setImage(ImageSpec.newBuilder().setImage(image.reference()))
					.addAllCommand(List.of("sleep", "3600"))
					.setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(security.apply(sc)))
					.setLogPath(name + ".log"))
				.build())
			.getContainerId();
		client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
		return id;
	}

	static ContainerStatus status(String id) {
		return client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
	}

	static ExecSyncResponse exec(String id, String... cmd) {
		return client.runtime()
			.execSync(ExecSyncRequest.newBuilder().setContainerId(id).addAllCmd(List.of(cmd)).setTimeout(10).build());
	}

}
