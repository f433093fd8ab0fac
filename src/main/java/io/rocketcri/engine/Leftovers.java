package io.rocketcri.engine;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removal of what an earlier run of rocket-cri left on the host (boot reconciliation of each
 * engine): each removal is tried on its own and logged, and one that fails is only a warning,
 * so that the others still run and the runtime still comes up.
 */
public final class Leftovers {

	private static final Logger log = LoggerFactory.getLogger(Leftovers.class);

	/** One removal on the host. */
	@FunctionalInterface
	public interface Removal {

		void run() throws IOException;

	}

	private Leftovers() {
	}

	/** Runs {@code removal} of {@code what}, logging it, and a failure only as a warning. */
	public static void remove(String what, Removal removal) {
		log.info("removing {} left by an earlier run", what);
		try {
			removal.run();
		}
		catch (IOException | RuntimeException ex) {
			log.warn("removing {} left by an earlier run: {}", what, ex.getMessage());
		}
	}

}
