package io.rocketcri.failure;

/** The caller sent something malformed; the message names the field. */
public final class InvalidArgument extends RuntimeFailure {

	public InvalidArgument(String message) {
		super(message, null);
	}

	public InvalidArgument(String message, Throwable cause) {
		super(message, cause);
	}

}
