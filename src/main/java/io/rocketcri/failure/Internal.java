package io.rocketcri.failure;

/** Our own fault or the host's, with the cause kept; never for bad input. */
public final class Internal extends RuntimeFailure {

	public Internal(String message) {
		super(message, null);
	}

	public Internal(String message, Throwable cause) {
		super(message, cause);
	}

}
