package io.rocketcri.cri;

import java.io.IOException;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.ContainerStatusRequest;
import io.rocketcri.cri.api.CreateContainerRequest;
import io.rocketcri.cri.api.ExecSyncRequest;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.ImageStatusRequest;
import io.rocketcri.cri.api.KeyValue;
import io.rocketcri.cri.api.LinuxPodSandboxConfig;
import io.rocketcri.cri.api.LinuxSandboxSecurityContext;
import io.rocketcri.cri.api.ListPodSandboxRequest;
import io.rocketcri.cri.api.Mount;
import io.rocketcri.cri.api.NamespaceMode;
import io.rocketcri.cri.api.NamespaceOption;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.cri.api.PodSandboxStatusRequest;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.cri.api.RemovePodSandboxRequest;
import io.rocketcri.cri.api.RunPodSandboxRequest;
import io.rocketcri.cri.api.StopPodSandboxRequest;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.RuntimeUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated hostile requests over the real socket: path separators and {@code ..} in names and
 * ids, control characters, huge label maps, unknown enum values, relative and escaping paths.
 * Every answer must be a success or a clean client error; never INTERNAL or UNKNOWN, never a
 * crash, never a file outside the runtime's own directories.
 */
@Tag("host")
@SpringBootTest
class CriHostileInputHostTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("hostile");

	static final Set<Status.Code> CLEAN = EnumSet.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND,
			Status.Code.FAILED_PRECONDITION, Status.Code.ALREADY_EXISTS, Status.Code.UNAVAILABLE,
			Status.Code.UNAUTHENTICATED, Status.Code.RESOURCE_EXHAUSTED);

	static final List<String> NASTY = List.of("", " ", "..", "../../etc", "a/b", "/etc/passwd", "x\u0000y", "\n", "%s%n",
			"ü", "a".repeat(5000), "sha256:" + "f".repeat(64), "UPPER", "-", "--", "*", "$(reboot)", "; rm -rf /");

	static CriSocketClient client;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry props) throws IOException {
		runtime.register(props);
		Files.createDirectories(runtime.cniConfigDir());
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
	void generatedRequestsGetCleanAnswers() throws Exception {
		Random random = new Random(20261128);
		for (int i = 0; i < 300; i++) {
			String a = pick(random);
			String b = pick(random);
			int kind = random.nextInt(8);
			Status.Code code = call(() -> {
				switch (kind) {
					case 0 -> client.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(a).build());
					case 1 -> client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(a).build());
					case 2 -> client.images().imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(a)).build());
					case 3 -> client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(a)).build());
					case 4 -> client.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(a).addCmd(b).build());
					case 5 -> runPodAndCleanUp(random, a, b);
					case 6 -> client.runtime().createContainer(CreateContainerRequest.newBuilder()
						.setPodSandboxId(a)
						.setConfig(ContainerConfig.newBuilder()
							.setMetadata(ContainerMetadata.newBuilder().setName(b))
							.setImage(ImageSpec.newBuilder().setImage(a))
							.setLogPath(b)
							.addMounts(Mount.newBuilder().setContainerPath(a).setHostPath(b))
							.addEnvs(KeyValue.newBuilder().setKey(a).setValue(ByteString.copyFromUtf8(b))))
						.build());
					default -> client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(a).build());
				}
			});
			assertThat(code).as("request %d (kind %d, %s / %s)", i, kind, abbreviate(a), abbreviate(b)).isIn(CLEAN);
		}
		// the runtime still answers, and kept nothing from the garbage
		assertThat(client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount()).isZero();
		assertThat(Files.exists(java.nio.file.Path.of("/etc/evil.log"))).isFalse();
	}

	@Test
	void unknownEnumValuesAndHugeLabelMapsAreHandled() {
		PodSandboxConfig.Builder config = PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder().setName("labels").setNamespace("it").setUid("u-1"))
			.setLinux(LinuxPodSandboxConfig.newBuilder()
				.setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
					.setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE).setPidValue(42))));
		for (int i = 0; i < 5000; i++) {
			config.putLabels("k" + i, "v".repeat(100));
		}
		Status.Code code = call(() -> {
			String id = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
			client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
			client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
		});
		assertThat(code).isIn(CLEAN);
		// bytes that are not a protobuf message at all: the server answers, it does not die
		assertThat(client.runtime().version(io.rocketcri.cri.api.VersionRequest.newBuilder()
			.setVersion(ByteString.copyFrom(new byte[] { (byte) 0xff, 0, (byte) 0xfe }).toStringUtf8())
			.build()).getRuntimeName()).isEqualTo("rocket-cri");
	}

	private static void runPodAndCleanUp(Random random, String name, String other) {
		PodSandboxConfig config = PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace(other).setUid(pick(random)))
			.setHostname(other)
			.setLogDirectory(pick(random))
			.setLinux(LinuxPodSandboxConfig.newBuilder()
				.setCgroupParent(pick(random))
				.putSysctls(pick(random), other)
				.setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
					.setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE))))
			.build();
		String id = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
		client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
		client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
	}

	private static String pick(Random random) {
		return NASTY.get(random.nextInt(NASTY.size()));
	}

	private static String abbreviate(String s) {
		return s.length() > 40 ? s.substring(0, 40) + "…" : s;
	}

	private static Status.Code call(Runnable call) {
		try {
			call.run();
			return Status.Code.OK;
		}
		catch (StatusRuntimeException ex) {
			return ex.getStatus().getCode();
		}
	}

}
