package io.rocketcri.cri;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.rocketcri.config.Json;
import io.rocketcri.cri.api.CgroupDriver;
import io.rocketcri.cri.api.CheckpointContainerRequest;
import io.rocketcri.cri.api.NetworkConfig;
import io.rocketcri.cri.api.RuntimeCondition;
import io.rocketcri.cri.api.RuntimeConfig;
import io.rocketcri.cri.api.RuntimeConfigRequest;
import io.rocketcri.cri.api.StatusRequest;
import io.rocketcri.cri.api.StatusResponse;
import io.rocketcri.cri.api.UpdateRuntimeConfigRequest;
import io.rocketcri.cri.api.VersionRequest;
import io.rocketcri.cri.api.VersionResponse;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.RuntimeUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The runtime RPCs over the real Unix socket, as kubelet and crictl call them. */
@SpringBootTest
class CriRuntimeServiceTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("runtime-rpcs");

	static CriSocketClient client;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		runtime.register(registry);
		// whatever the machine has on PATH: this node has no rkt
		registry.add("rocket.rkt.path", () -> "/nonexistent/rkt");
	}

	@BeforeAll
	static void connect() {
		client = new CriSocketClient(runtime.socket());
	}

	@AfterAll
	static void disconnect() throws InterruptedException {
		client.close();
	}

	@Test
	void socketIsOnlyForRootAndItsGroup() throws Exception {
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(runtime.socket())))
			.isEqualTo("rw-rw----");
	}

	@Test
	void versionNamesTheRuntime() {
		VersionResponse version = client.runtime().version(VersionRequest.getDefaultInstance());
		assertThat(version.getRuntimeName()).isEqualTo("rocket-cri");
		assertThat(version.getRuntimeApiVersion()).isEqualTo("v1");
		assertThat(version.getRuntimeVersion()).isNotBlank();
	}

	@Test
	void statusListsTheDefaultHandlerByTheEmptyNameAndRunc() {
		StatusResponse status = client.runtime().status(StatusRequest.getDefaultInstance());
		assertThat(status.getRuntimeHandlersList()).extracting(h -> h.getName()).containsExactly("", "runc");
		assertThat(status.getRuntimeHandlers(0).getFeatures()).isEqualTo(status.getRuntimeHandlers(1).getFeatures());
		assertThat(status.getFeatures().getSupplementalGroupsPolicy()).isTrue();
	}

	@Test
	void aPodForTheRktHandlerWithoutRktFailsWithFailedPreconditionNamingTheBinary() {
		var config = io.rocketcri.cri.api.PodSandboxConfig.newBuilder()
			.setMetadata(io.rocketcri.cri.api.PodSandboxMetadata.newBuilder().setName("r").setNamespace("n").setUid("u1"))
			.build();
		assertThatThrownBy(() -> client.runtime()
			.runPodSandbox(io.rocketcri.cri.api.RunPodSandboxRequest.newBuilder()
				.setConfig(config)
				.setRuntimeHandler("rkt")
				.build()))
			.isInstanceOfSatisfying(StatusRuntimeException.class, ex -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
				assertThat(ex.getStatus().getDescription()).contains("runtime handler \"rkt\" is not usable")
					.contains("rocket.rkt.path=/nonexistent/rkt");
			});
		assertThat(client.runtime()
			.listPodSandbox(io.rocketcri.cri.api.ListPodSandboxRequest.getDefaultInstance())
			.getItemsList()).noneMatch(p -> p.getMetadata().getName().equals("r"));
	}

	@Test
	void statusSaysWhyTheNetworkIsNotReady() throws Exception {
		StatusResponse status = client.runtime().status(StatusRequest.newBuilder().setVerbose(true).build());
		RuntimeCondition network = status.getStatus()
			.getConditionsList()
			.stream()
			.filter(c -> c.getType().equals("NetworkReady"))
			.findFirst()
			.orElseThrow();
		assertThat(network.getStatus()).isFalse();
		assertThat(network.getReason()).isEqualTo("NetworkPluginNotReady");
		assertThat(network.getMessage()).contains(runtime.cniConfigDir().toString());
		assertThat(status.getStatus().getConditionsList()).extracting(RuntimeCondition::getType)
			.contains("RuntimeReady");
		Map<?, ?> config = Json.MAPPER.readValue(status.getInfoOrThrow("config"), Map.class);
		assertThat(config.get("root")).isEqualTo(runtime.root().toString());
	}

	@Test
	void networkBecomesReadyOnceAConflistAppears() throws Exception {
		Files.createDirectories(runtime.cniConfigDir());
		Files.writeString(runtime.cniConfigDir().resolve("10-test.conflist"), """
				{"cniVersion":"1.0.0","name":"test","plugins":[{"type":"bridge"},{"type":"portmap"}]}""");
		try {
			StatusResponse status = client.runtime().status(StatusRequest.getDefaultInstance());
			assertThat(status.getStatus().getConditionsList())
				.filteredOn(c -> c.getType().equals("NetworkReady"))
				.singleElement()
				.extracting(RuntimeCondition::getStatus)
				.isEqualTo(true);
		}
		finally {
			Files.delete(runtime.cniConfigDir().resolve("10-test.conflist"));
		}
	}

	@Test
	void cgroupDriverIsCgroupfsByDefault() {
		assertThat(client.runtime().runtimeConfig(RuntimeConfigRequest.getDefaultInstance()).getLinux().getCgroupDriver())
			.isEqualTo(CgroupDriver.CGROUPFS);
	}

	@Test
	void podCidrIsKeptAndShown() throws Exception {
		client.runtime()
			.updateRuntimeConfig(UpdateRuntimeConfigRequest.newBuilder()
				.setRuntimeConfig(RuntimeConfig.newBuilder()
					.setNetworkConfig(NetworkConfig.newBuilder().setPodCidr("10.88.0.0/16")))
				.build());
		StatusResponse status = client.runtime().status(StatusRequest.newBuilder().setVerbose(true).build());
		assertThat(status.getInfoOrThrow("config")).contains("\"podCidr\":\"10.88.0.0/16\"");
	}

	@Test
	void malformedPodCidrIsRejectedNamingTheField() {
		assertThatThrownBy(() -> client.runtime()
			.updateRuntimeConfig(UpdateRuntimeConfigRequest.newBuilder()
				.setRuntimeConfig(RuntimeConfig.newBuilder().setNetworkConfig(NetworkConfig.newBuilder().setPodCidr("nope")))
				.build()))
			.isInstanceOfSatisfying(StatusRuntimeException.class, ex -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
				assertThat(ex.getStatus().getDescription()).contains("pod_cidr");
			});
	}

	@Test
	void cgroupParentsThatLeaveTheCgroupTreeAreRejectedNamingTheField() {
		for (String parent : java.util.List.of("/kubepods/../../etc", "/kubepods/x\u0000y", "kubepods\n.slice")) {
			var request = io.rocketcri.cri.api.RunPodSandboxRequest.newBuilder()
				.setConfig(io.rocketcri.cri.api.PodSandboxConfig.newBuilder()
					.setMetadata(io.rocketcri.cri.api.PodSandboxMetadata.newBuilder()
						.setName("cg")
						.setNamespace("default")
						.setUid("uid-cg"))
					.setLinux(io.rocketcri.cri.api.LinuxPodSandboxConfig.newBuilder().setCgroupParent(parent)))
				.build();
			assertThatThrownBy(() -> client.runtime().runPodSandbox(request)).as(parent)
				.isInstanceOfSatisfying(StatusRuntimeException.class, ex -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
					assertThat(ex.getStatus().getDescription()).contains("cgroup_parent");
				});
		}
	}

	@Test
	void streamedListsEndWithAnAnswerEvenWhenEmpty() {
		var answers = new java.util.ArrayList<io.rocketcri.cri.api.StreamContainersResponse>();
		client.runtime()
			.streamContainers(io.rocketcri.cri.api.StreamContainersRequest.getDefaultInstance())
			.forEachRemaining(answers::add);
		assertThat(answers).singleElement().satisfies(a -> assertThat(a.getContainersList()).isEmpty());
	}

	@Test
	void rpcsNotBuiltYetSayUnimplementedWithTheirName() {
		assertThatThrownBy(() -> client.runtime()
			.checkpointContainer(CheckpointContainerRequest.newBuilder().setContainerId("abc").build()))
			.isInstanceOfSatisfying(StatusRuntimeException.class, ex -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
				assertThat(ex.getStatus().getDescription()).contains("CheckpointContainer");
			});
	}

}
