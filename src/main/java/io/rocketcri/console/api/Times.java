package io.rocketcri.console.api;

import java.time.Instant;

/** CRI's nanoseconds since the epoch as the API's RFC 3339 {@code ...Time} fields. */
final class Times {

	private Times() {
	}

	/** Null for 0: CRI's "not reached yet" (a container never started has no startedTime). */
	static String rfc3339(long epochNanos) {
		if (epochNanos <= 0) {
			return null;
		}
		return Instant.ofEpochSecond(epochNanos / 1_000_000_000L, epochNanos % 1_000_000_000L).toString();
	}

}
