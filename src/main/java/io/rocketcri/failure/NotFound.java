package io.rocketcri.failure;

/** The object asked for does not exist (an id, a name, an image). */
public final class NotFound extends RuntimeFailure {

	public NotFound(String message) {
		super(message, null);
	}

	public NotFound(String message, Throwable cause) {
		super(message, cause);
	}

}
