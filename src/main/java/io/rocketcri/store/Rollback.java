package io.rocketcri.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undo steps for a multi-step host operation (RunPodSandbox, CreateContainer). Each side effect
 * registers its undo right after it succeeded; on failure they run in reverse, each one even if
 * an earlier one failed, under a fresh deadline (the caller's may be what expired). The failures
 * are returned so the caller can leave the object visible as not ready rather than leak it.
 */
public final class Rollback {

	private static final Logger log = LoggerFactory.getLogger(Rollback.class);

	@FunctionalInterface
	public interface Undo {

		void run() throws Exception;

	}

	private record Step(String what, Undo undo) {
	}

	private final Deque<Step> steps = new ArrayDeque<>();

	private final String operation;

	public Rollback(String operation) {
		this.operation = operation;
	}

	public void add(String what, Undo undo) {
		steps.push(new Step(what, undo));
	}

	/** The work succeeded: forget the undos. */
	public void commit() {
		steps.clear();
	}

	/** How long undoing a failed RunPodSandbox or CreateContainer may take, whatever the caller's deadline. */
	public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);

	/**
	 * The runtime's policy after a failed multi-step operation: when everything was undone the
	 * object's record goes too ({@code forget}); when something could not be undone the record
	 * stays, marked not ready ({@code keepNotReady}), so kubelet's Stop/Remove finish the job and
	 * nothing leaks unseen. Returns what could not be undone.
	 */
	public List<String> undoAndSettle(Runnable forget, Runnable keepNotReady) {
		List<String> leftovers = undo(DEFAULT_DEADLINE);
		if (leftovers.isEmpty()) {
			forget.run();
		}
		else {
			keepNotReady.run();
		}
		return leftovers;
	}

	/** Runs the undos in reverse order; returns what could not be undone. */
	public List<String> undo(Duration deadline) {
		Instant until = Instant.now().plus(deadline);
		List<String> failed = new ArrayList<>();
		while (!steps.isEmpty()) {
			Step step = steps.pop();
			if (Instant.now().isAfter(until)) {
				failed.add(step.what() + ": rollback deadline passed");
				continue;
			}
			try {
				step.undo().run();
			}
			catch (Exception ex) {
				log.warn("{}: undoing {} failed: {}", operation, step.what(), ex.getMessage());
				failed.add(step.what() + ": " + ex.getMessage());
			}
		}
		return failed;
	}

}
