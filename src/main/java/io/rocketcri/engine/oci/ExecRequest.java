package io.rocketcri.engine.oci;

import java.time.Duration;
import java.util.List;

/**
 * A command to run synchronously in a running container. The process is the container's own
 * {@code config.json} process (user, env, cwd, capabilities) with its arguments replaced.
 *
 * @param command program and arguments; must not be empty
 * @param timeout after which the process group is killed; zero for none
 * @param tty whether the process gets a terminal (stdout and stderr then arrive merged as stdout)
 */
public record ExecRequest(List<String> command, Duration timeout, boolean tty) {

	public ExecRequest {
		command = List.copyOf(command);
		if (command.isEmpty()) {
			throw new IllegalArgumentException("exec command must not be empty");
		}
		timeout = timeout == null ? Duration.ZERO : timeout;
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("exec timeout must not be negative: " + timeout);
		}
	}

	public static ExecRequest of(Duration timeout, String... command) {
		return new ExecRequest(List.of(command), timeout, false);
	}

}
