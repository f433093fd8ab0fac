package io.rocketcri.engine.rkt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import io.rocketcri.engine.StreamingProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The streaming mechanics, with sh standing in for {@code rkt app exec} (same pipes, same exit code). */
class RktStreamingExecTest {

	private static final class Collect implements StreamingProcess.Output {

		final ByteArrayOutputStream out = new ByteArrayOutputStream();

		final ByteArrayOutputStream err = new ByteArrayOutputStream();

		@Override
		public synchronized void stdout(byte[] data, int offset, int length) {
			out.write(data, offset, length);
		}

		@Override
		public synchronized void stderr(byte[] data, int offset, int length) {
			err.write(data, offset, length);
		}
	}

	@Test
	void deliversBothStreamsAndTheExitCode() throws Exception {
		Collect output = new Collect();
		try (RktStreamingExec exec = RktStreamingExec.start("t1",
				List.of("/bin/sh", "-c", "echo out; echo err >&2; echo $GREETING; exit 3"), Map.of("GREETING", "hi"),
				false)) {
			assertThat(exec.hasStdin()).isFalse();
			OptionalInt code = exec.start(output).get(10, TimeUnit.SECONDS);
			assertThat(code).hasValue(3);
		}
		assertThat(output.out.toString(StandardCharsets.UTF_8)).isEqualTo("out\nhi\n");
		assertThat(output.err.toString(StandardCharsets.UTF_8)).isEqualTo("err\n");
	}

	@Test
	void readsStdinUntilItIsClosed() throws Exception {
		Collect output = new Collect();
		try (RktStreamingExec exec = RktStreamingExec.start("t2", List.of("/bin/sh", "-c", "cat; echo end"), Map.of(),
				true)) {
			var done = exec.start(output);
			exec.writeStdin("line\n".getBytes(StandardCharsets.UTF_8), 0, 5);
			exec.closeStdin();
			assertThat(done.get(10, TimeUnit.SECONDS)).hasValue(0);
		}
		assertThat(output.out.toString(StandardCharsets.UTF_8)).isEqualTo("line\nend\n");
	}

	@Test
	void closeKillsARunningCommand() throws Exception {
		RktStreamingExec exec = RktStreamingExec.start("t3", List.of("/bin/sh", "-c", "sleep 300"), Map.of(), false);
		var done = exec.start(new Collect());
		exec.close();
		assertThat(done.get(10, TimeUnit.SECONDS)).isPresent();
	}

}
