package io.rocketcri.engine.oci;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The fake passes the same contract as the real runtime, plus its own knobs. */
class FakeOciRuntimeTest extends OciRuntimeContractTest {

	private final FakeOciRuntime runtime = new FakeOciRuntime();

	@Override
	OciRuntime runtime() {
		return this.runtime;
	}

	@Test
	void exitAndOomEndTheProcess() throws Exception {
		String running = newId();
		createSleeper(running);
		this.runtime.start(running);
		String oom = newId();
		createSleeper(oom);
		this.runtime.start(oom);

		this.runtime.exit(running, 3);
		this.runtime.oom(oom);

		assertThat(this.runtime.awaitExit(running, Duration.ofSeconds(1)).exitCode()).isEqualTo(3);
		ExitStatus killed = this.runtime.awaitExit(oom, Duration.ofSeconds(1));
		assertThat(killed.exitCode()).isEqualTo(137);
		assertThat(killed.oomKilled()).isTrue();
	}

	@Test
	void execAnswersWhatTheTestSays() throws Exception {
		String id = newId();
		createSleeper(id);
		this.runtime.start(id);
		this.runtime.onExec((container, request) -> new ExecResult(7, request.command().get(1).getBytes(), new byte[0],
				false));

		ExecResult result = this.runtime.execSync(id, ExecRequest.of(Duration.ZERO, "echo", "hi"));

		assertThat(result.exitCode()).isEqualTo(7);
		assertThat(result.stdoutText()).isEqualTo("hi");
	}

}
