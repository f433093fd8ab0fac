package io.rocketcri.engine.oci;

import java.util.List;

import io.rocketcri.engine.oci.OciException.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OciExceptionTest {

	/** The wording of runc 1.1 (and crun where it differs) for each reason. */
	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			container does not exist                                              | NOT_FOUND
			container `3f2a` does not exist                                       | NOT_FOUND
			container with id exists: 3f2a                                        | ALREADY_EXISTS
			container not running                                                 | NOT_RUNNING
			cannot exec in a stopped container                                    | NOT_RUNNING
			cannot start a container that has stopped                             | NOT_RUNNING
			cannot delete container 3f2a that is not stopped: running             | NOT_STOPPED
			unable to start container process: exec: "nope": no such file         | FAILED
			""")
	void reasonsComeFromTheRuntimesWording(String output, Reason reason) {
		assertThat(OciException.classify(output)).isEqualTo(reason);
	}

	@Test
	void fromCommandNamesTheActionTheProgramAndWhatItSaid() {
		OciException ex = OciException.fromCommand("sending signal 9 to container 3f2a",
				List.of("/usr/sbin/runc", "--root", "/run/rocket-cri/runc", "kill", "3f2a", "9"), 1,
				"container does not exist\n");

		assertThat(ex).hasMessage("sending signal 9 to container 3f2a: container does not exist (/usr/sbin/runc exited 1)");
		assertThat(ex.notFound()).isTrue();
		assertThat(ex.notRunning()).isFalse();
		assertThat(ex.argv()).endsWith("kill", "3f2a", "9");
		assertThat(ex.exitCode()).isEqualTo(1);
		assertThat(ex.output()).isEqualTo("container does not exist");
	}

}
