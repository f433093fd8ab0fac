package io.rocketcri.failure;

import java.util.List;

/**
 * Turns what a multi-step host operation threw into the failure the caller sees, adding what its
 * rollback could not undo. A {@link RuntimeFailure} stays itself when everything was undone;
 * {@link IllegalArgumentException} from a host helper means the request asked for something the
 * host refuses; anything else is internal, with the cause kept.
 */
public final class Failures {

	private Failures() {
	}

	public static RuntimeFailure of(String what, Exception ex, List<String> leftovers) {
		String suffix = leftovers.isEmpty() ? "" : "; could not undo: " + String.join("; ", leftovers);
		if (ex instanceof RuntimeFailure failure) {
			return leftovers.isEmpty() ? failure : new Internal(failure.getMessage() + suffix, ex);
		}
		if (ex instanceof IllegalArgumentException && leftovers.isEmpty()) {
			return new InvalidArgument(what + ": " + ex.getMessage());
		}
		return new Internal(what + ": " + ex.getMessage() + suffix, ex);
	}

}
