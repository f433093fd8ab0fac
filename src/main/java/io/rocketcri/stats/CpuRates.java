package io.rocketcri.stats;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns cumulative CPU time into a rate (usage_nano_cores) from the previous sample of the same
 * pod or container. The first sample of an id has no rate (0), as with containerd.
 */
final class CpuRates {

	/** Last sample per id; written by whichever stats call comes, hence concurrent. */
	private final ConcurrentHashMap<String, Sample> previous = new ConcurrentHashMap<>();

	/** @return nanoseconds of CPU per second since the previous sample of {@code id} */
	long rate(String id, long at, long cpuNanos) {
		Sample last = previous.put(id, new Sample(at, cpuNanos));
		if (last == null || at <= last.at() || cpuNanos < last.cpuNanos()) {
			return 0;
		}
		// in double: (delta * 1e9) overflows a long once more than ~9 s of CPU passed between samples
		return (long) ((double) (cpuNanos - last.cpuNanos()) * 1e9 / (at - last.at()));
	}

	/** Forgets ids no longer present, so the map does not grow with every container ever seen. */
	void retain(Collection<String> ids) {
		previous.keySet().retainAll(ids);
	}

	private record Sample(long at, long cpuNanos) {
	}

}
