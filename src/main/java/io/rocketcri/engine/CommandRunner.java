package io.rocketcri.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a host tool to completion: runc, CNI plugins, unshare. The one way the runtime forks, so
 * that tests can swap in a fake and every failure carries the argv, exit code and stderr.
 */
public interface CommandRunner {

	/**
	 * @param argv program and arguments; the program is looked up on PATH when it has no slash
	 * @param env extra environment on top of a minimal one (PATH only)
	 * @param stdin bytes written to the child's stdin, then closed (empty for none)
	 * @param workingDir null for the runtime's own
	 * @param timeout after which the child and its process group are killed
	 */
	record Command(List<String> argv, Map<String, String> env, byte[] stdin, Path workingDir, Duration timeout) {

		public Command {
			argv = List.copyOf(argv);
			env = Map.copyOf(env);
			stdin = stdin == null ? new byte[0] : stdin;
			timeout = timeout == null ? Duration.ofMinutes(2) : timeout;
		}

		public static Command of(String... argv) {
			return new Command(List.of(argv), Map.of(), null, null, null);
		}

		public Command withEnv(Map<String, String> env) {
			return new Command(argv, env, stdin, workingDir, timeout);
		}

		public Command withStdin(byte[] stdin) {
			return new Command(argv, env, stdin, workingDir, timeout);
		}

		public Command withTimeout(Duration timeout) {
			return new Command(argv, env, stdin, workingDir, timeout);
		}

		public Command inDirectory(Path dir) {
			return new Command(argv, env, stdin, dir, timeout);
		}

	}

	record Result(int exitCode, byte[] stdout, byte[] stderr, boolean timedOut) {

		public String stdoutText() {
			return new String(stdout, java.nio.charset.StandardCharsets.UTF_8);
		}

		public String stderrText() {
			return new String(stderr, java.nio.charset.StandardCharsets.UTF_8);
		}

	}

	/** Runs the command; a non-zero exit is a result, not an exception. IOException when it cannot start. */
	Result run(Command command) throws IOException;

	/** Runs the command and throws {@link CommandFailedException} unless it exits 0. */
	default Result check(Command command) throws IOException {
		Result result = run(command);
		if (result.timedOut() || result.exitCode() != 0) {
			throw new CommandFailedException(command, result);
		}
		return result;
	}

	/** A host tool said no: carries what was run and what it answered. */
	final class CommandFailedException extends IOException {

		private final transient Command command;

		private final transient Result result;

		public CommandFailedException(Command command, Result result) {
			super("%s %s: %s".formatted(String.join(" ", command.argv()),
					result.timedOut() ? "timed out after " + command.timeout().toSeconds() + "s"
							: "exited " + result.exitCode(),
					(result.stderrText().isBlank() ? result.stdoutText() : result.stderrText()).strip()));
			this.command = command;
			this.result = result;
		}

		public Command command() {
			return command;
		}

		public Result result() {
			return result;
		}

	}

}
