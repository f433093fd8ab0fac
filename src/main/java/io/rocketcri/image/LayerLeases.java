package io.rocketcri.image;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Layers a pull in progress relies on. A pull that finds a layer already unpacked skips it; the
 * lease stops a concurrent RemoveImage from collecting that layer before the new image record
 * that references it is saved.
 */
final class LayerLeases {

	/** Guarded by this. */
	private final Map<String, Integer> counts = new HashMap<>();

	synchronized void acquire(Collection<String> chainIds) {
		chainIds.forEach(c -> counts.merge(c, 1, Integer::sum));
	}

	synchronized void release(Collection<String> chainIds) {
		chainIds.forEach(c -> counts.computeIfPresent(c, (k, n) -> n == 1 ? null : n - 1));
	}

	synchronized Set<String> held() {
		return Set.copyOf(counts.keySet());
	}

}
