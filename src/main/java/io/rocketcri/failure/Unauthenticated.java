package io.rocketcri.failure;

/** A registry refused the credentials we had (or we had none where it wants some). */
public final class Unauthenticated extends RuntimeFailure {

	public Unauthenticated(String message, Throwable cause) {
		super(message, cause);
	}

}
