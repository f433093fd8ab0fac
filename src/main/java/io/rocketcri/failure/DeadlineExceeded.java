package io.rocketcri.failure;

/** The work did not finish in the time the caller gave (an ExecSync timeout). */
public final class DeadlineExceeded extends RuntimeFailure {

	public DeadlineExceeded(String message) {
		super(message, null);
	}

}
