package io.rocketcri.failure;

/** Something outside us is not reachable right now (a registry, the runtime still starting); retrying may help. */
public final class Unavailable extends RuntimeFailure {

	public Unavailable(String message) {
		super(message, null);
	}

	public Unavailable(String message, Throwable cause) {
		super(message, cause);
	}

}
