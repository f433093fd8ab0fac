package io.rocketcri.failure;

/** Another object already holds this name. */
public final class AlreadyExists extends RuntimeFailure {

	public AlreadyExists(String message) {
		super(message, null);
	}

	public AlreadyExists(String message, Throwable cause) {
		super(message, cause);
	}

}
