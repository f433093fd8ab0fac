package io.rocketcri.failure;

/** The host ran out of something (disk space, inodes). */
public final class ResourceExhausted extends RuntimeFailure {

	public ResourceExhausted(String message) {
		super(message, null);
	}

	public ResourceExhausted(String message, Throwable cause) {
		super(message, cause);
	}

}
