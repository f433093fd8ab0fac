package io.rocketcri.engine.oci;

import java.nio.charset.StandardCharsets;

/**
 * What a synchronous exec produced.
 *
 * @param exitCode the exit code (128 + signal when killed by a signal); -1 when it timed out
 * @param stdout everything written to stdout (to the terminal, with a tty), capped at 16 MiB in all
 * @param stderr everything written to stderr
 * @param timedOut whether the timeout elapsed and the process group was killed
 */
public record ExecResult(int exitCode, byte[] stdout, byte[] stderr, boolean timedOut) {

	public String stdoutText() {
		return new String(this.stdout, StandardCharsets.UTF_8);
	}

	public String stderrText() {
		return new String(this.stderr, StandardCharsets.UTF_8);
	}

}
