package io.rocketcri.pod;

import io.rocketcri.cri.api.LinuxPodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.failure.InvalidArgument;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RunPodSandbox refuses what would not fit the pod row, before touching anything (hence no collaborators). */
class PodSandboxValidationTest {

	@ParameterizedTest
	@CsvSource({ "254, 1, 1, 1, config.metadata.name", "1, 254, 1, 1, config.metadata.namespace",
			"1, 1, 254, 1, config.metadata.uid", "1, 1, 1, 1025, config.linux.cgroup_parent" })
	void fieldsTooLongForTheRowAreInvalidArguments(int name, int namespace, int uid, int cgroupParent, String field) {
		PodSandboxConfig config = PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder()
				.setName("n".repeat(name))
				.setNamespace("s".repeat(namespace))
				.setUid("u".repeat(uid)))
			.setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/" + "c".repeat(cgroupParent - 1)))
			.build();
		assertThatThrownBy(() -> new PodSandboxService(null, null, null, null, null).run(config, ""))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageStartingWith(field);
	}

}
