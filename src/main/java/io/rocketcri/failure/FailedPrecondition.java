package io.rocketcri.failure;

/** The object exists but is in a state that does not allow the action. */
public final class FailedPrecondition extends RuntimeFailure {

	public FailedPrecondition(String message) {
		super(message, null);
	}

	public FailedPrecondition(String message, Throwable cause) {
		super(message, cause);
	}

}
