package io.rocketcri.engine.rkt;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

import io.rocketcri.engine.CommandRunner;
import io.rocketcri.engine.CommandRunner.Command;

/**
 * Whether the rkt handler can run pods: the configured binary answers {@code rkt version} and
 * the configured stage1 image exists. Asked by every Status call (kubelet's, every few seconds),
 * so the answer is kept for a while rather than forking rkt each time.
 */
final class RktAvailability {

	static final Duration KEEP = Duration.ofSeconds(30);

	private final RktCommands commands;

	private final CommandRunner runner;

	private final LongSupplier nanoClock;

	/** Guarded by {@code this}. */
	private Optional<String> missing;

	/** Guarded by {@code this}. */
	private long checkedAt;

	RktAvailability(RktCommands commands, CommandRunner runner, LongSupplier nanoClock) {
		this.commands = commands;
		this.runner = runner;
		this.nanoClock = nanoClock;
	}

	/** What is missing for the handler to work, in an operator's words; empty when nothing is. */
	synchronized Optional<String> missing() {
		long now = nanoClock.getAsLong();
		if (missing == null || now - checkedAt > KEEP.toNanos()) {
			missing = check();
			checkedAt = now;
		}
		return missing;
	}

	private Optional<String> check() {
		try {
			CommandRunner.Result r = runner.run(new Command(commands.version(), RktCommands.ENV, null, null,
					Duration.ofSeconds(10)));
			if (r.timedOut() || r.exitCode() != 0 || !r.stdoutText().contains("rkt Version")) {
				return Optional.of("the rkt binary (rocket.rkt.path=%s) does not answer `rkt version`: %s".formatted(
						commands.binary(), (r.timedOut() ? "timed out" : "exited " + r.exitCode() + " "
								+ (r.stderrText().isBlank() ? r.stdoutText() : r.stderrText()).strip())));
			}
		}
		catch (IOException ex) {
			return Optional.of("the rkt binary (rocket.rkt.path=%s) cannot be run: %s".formatted(commands.binary(),
					ex.getMessage()));
		}
		if (commands.stage1Image() != null && !Files.isRegularFile(commands.stage1Image())) {
			return Optional.of("the stage1 image (rocket.rkt.stage1-image=%s) is not a file"
				.formatted(commands.stage1Image()));
		}
		return Optional.empty();
	}

}
