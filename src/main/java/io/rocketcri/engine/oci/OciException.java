package io.rocketcri.engine.oci;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The OCI runtime (or its monitor) refused or failed. Carries what was run, its exit code and what
 * it printed, and a {@link Reason} read from that output once, here, so that callers branch on
 * {@link #notFound()} and friends instead of parsing runc's wording.
 */
public class OciException extends IOException {

	/** Why, as far as the tool's output tells. */
	public enum Reason {

		/** The OCI runtime does not know the id ("container does not exist"). */
		NOT_FOUND,

		/** The id is taken. */
		ALREADY_EXISTS,

		/** The call needs a running process and there is none (it exited, or its monitor did). */
		NOT_RUNNING,

		/** The call needs a stopped container and it still runs (delete without force). */
		NOT_STOPPED,

		/** The tool or monitor did not answer in time. */
		TIMED_OUT,

		/** Anything else: the message and {@link #output()} say what. */
		FAILED

	}

	private final Reason reason;

	private final List<String> argv;

	private final int exitCode;

	private final String output;

	/**
	 * @param message what was being done, to which id, and why it failed
	 * @param argv the command that failed, empty when no command was involved
	 * @param exitCode its exit code, -1 when it has none (not started, timed out)
	 * @param output what it printed (stderr, or the runtime's log), stripped
	 */
	public OciException(String message, Reason reason, List<String> argv, int exitCode, String output,
			Throwable cause) {
		super(message, cause);
		this.reason = reason;
		this.argv = List.copyOf(argv);
		this.exitCode = exitCode;
		this.output = output == null ? "" : output;
	}

	/** A failure without a command behind it. */
	public OciException(String message, Reason reason, Throwable cause) {
		this(message, reason, List.of(), -1, "", cause);
	}

	/**
	 * A command exited non-zero: the reason is read from its output, the message is
	 * {@code "<action>: <what it said> (<program> exited <code>)"}.
	 * @param action what was being done and to which id, e.g. {@code "starting container 3f2a"}
	 */
	public static OciException fromCommand(String action, List<String> argv, int exitCode, String output) {
		String said = output == null || output.isBlank() ? "no output" : output.strip();
		String program = argv.isEmpty() ? "command" : argv.getFirst();
		return new OciException("%s: %s (%s exited %d)".formatted(action, said, program, exitCode),
				classify(said), argv, exitCode, said, null);
	}

	/**
	 * Reads the reason from runc's (or crun's) wording. The phrases are the runtimes' error
	 * strings for these cases; anything else is {@link Reason#FAILED}.
	 */
	static Reason classify(String output) {
		String text = output.toLowerCase(Locale.ROOT);
		if (text.contains("does not exist")) {
			return Reason.NOT_FOUND;
		}
		if (text.contains("container with id exists") || text.contains("already exists")) {
			return Reason.ALREADY_EXISTS;
		}
		if (text.contains("container not running") || text.contains("is not running")
				|| text.contains("cannot exec in a stopped") || text.contains("has stopped")) {
			return Reason.NOT_RUNNING;
		}
		if (text.contains("is not stopped")) {
			return Reason.NOT_STOPPED;
		}
		return Reason.FAILED;
	}

	public Reason reason() {
		return this.reason;
	}

	/** The OCI runtime does not know this id. */
	public boolean notFound() {
		return this.reason == Reason.NOT_FOUND;
	}

	/** The id is taken. */
	public boolean alreadyExists() {
		return this.reason == Reason.ALREADY_EXISTS;
	}

	/** The container (or its monitor) has no running process. */
	public boolean notRunning() {
		return this.reason == Reason.NOT_RUNNING;
	}

	/** The command that failed; empty when the failure did not come from a command. */
	public List<String> argv() {
		return this.argv;
	}

	/** The command's exit code, -1 when there was none. */
	public int exitCode() {
		return this.exitCode;
	}

	/** What the command or the runtime's log said. */
	public String output() {
		return this.output;
	}

}
