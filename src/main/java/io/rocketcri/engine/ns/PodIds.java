package io.rocketcri.engine.ns;

import java.util.regex.Pattern;

/** The one rule for ids that become file names under the state root and CNI container ids. */
public final class PodIds {

	/** The CNI spec's container id grammar, which also keeps ids safe as a single path element. */
	private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

	private PodIds() {
	}

	/** Returns {@code podId} or throws {@link IllegalArgumentException} saying why it cannot be used. */
	public static String requireSafe(String podId) {
		if (podId == null || !SAFE.matcher(podId).matches()) {
			throw new IllegalArgumentException(
					"pod id " + (podId == null ? "null" : "'" + podId + "'")
							+ " must match [A-Za-z0-9][A-Za-z0-9_.-]* and be at most 128 characters");
		}
		return podId;
	}

}
