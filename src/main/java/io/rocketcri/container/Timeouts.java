package io.rocketcri.container;

import java.time.Duration;

/**
 * Timeouts kubelet (or anyone on the socket) hands to StopContainer and ExecSync, made safe to
 * compute deadlines with: negative means none (zero), and anything beyond a day is a day. CRI
 * carries them as int64 seconds; {@code Long.MAX_VALUE} seconds overflows every nanosecond
 * deadline downstream (the CRI fuzz test's finding: StopContainer answered INTERNAL).
 */
final class Timeouts {

	/** Longer than any grace period or exec a node runs in practice, short enough for nanosecond arithmetic. */
	static final Duration MAX = Duration.ofDays(1);

	private Timeouts() {
	}

	static Duration bounded(Duration requested) {
		if (requested == null || requested.isNegative()) {
			return Duration.ZERO;
		}
		return requested.compareTo(MAX) > 0 ? MAX : requested;
	}

}
