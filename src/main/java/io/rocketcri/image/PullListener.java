package io.rocketcri.image;

/**
 * Watches one image pull (the console's progress bar, the REST API's NDJSON lines). Called from
 * the pull's own threads, several layers at once, so implementations must be thread-safe and
 * quick; what one throws is logged and ignored: a watcher that went away never stops a pull.
 * The end of the pull is not an event: it is what {@code pull} returns or throws.
 */
@FunctionalInterface
public interface PullListener {

	/** No watcher: the CRI path. The puller then counts no bytes at all. */
	PullListener NONE = event -> {
	};

	void onProgress(PullProgress event);

}
