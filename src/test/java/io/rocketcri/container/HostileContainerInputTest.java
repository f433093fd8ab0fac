package io.rocketcri.container;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class HostileContainerInputTest {

	@ParameterizedTest
	@CsvSource({ "-1, 0", "0, 0", "30, 30", "86400, 86400", "86401, 86400", "9223372036854775807, 86400",
			"-9223372036854775808, 0" })
	void requestedSecondsBecomeASafeTimeout(long requested, long expected) {
		Duration bounded = Timeouts.bounded(Duration.ofSeconds(requested));
		assertThat(bounded).isEqualTo(Duration.ofSeconds(expected));
		org.assertj.core.api.Assertions.assertThatNoException().as("a nanosecond deadline can be computed")
			.isThrownBy(() -> Math.addExact(System.nanoTime(), bounded.toNanos()));
	}

	@ParameterizedTest
	@CsvSource({ "logs, a\u0000b", "/var/log/pods/x\u0000y, c.log" })
	void aLogPathThatIsNoPathIsAnInvalidArgument(String directory, String logPath) {
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> ContainerService.logPath(
				io.rocketcri.cri.api.PodSandboxConfig.newBuilder().setLogDirectory(directory).build(),
				io.rocketcri.cri.api.ContainerConfig.newBuilder().setLogPath(logPath).build()))
			.isInstanceOf(io.rocketcri.failure.InvalidArgument.class)
			.hasMessageContaining("config.log_path");
	}


	@org.junit.jupiter.api.Test
	void aLogPathLongerThanPathMaxIsAnInvalidArgument() {
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> ContainerService.logPath(
				io.rocketcri.cri.api.PodSandboxConfig.newBuilder().setLogDirectory("/var/log/pods/x").build(),
				io.rocketcri.cri.api.ContainerConfig.newBuilder().setLogPath("x".repeat(5000)).build()))
			.isInstanceOf(io.rocketcri.failure.InvalidArgument.class)
			.hasMessageContaining("at most 4096");
	}

}
