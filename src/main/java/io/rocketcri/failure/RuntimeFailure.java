package io.rocketcri.failure;

/**
 * The closed set of ways a capability says no. Capabilities throw these; the gRPC status and the
 * HTTP problem type are chosen from the subtype in exactly one place each, so a new failure kind
 * is a compile error in both mappers rather than a silent UNKNOWN.
 *
 * <p>Messages name the action and the object ("pulling image 127.0.0.1:5000/busybox:1.36: ..."),
 * and keep the cause.
 */
public sealed abstract class RuntimeFailure extends RuntimeException
		permits NotFound, AlreadyExists, InvalidArgument, FailedPrecondition, Unavailable, ResourceExhausted, Unauthenticated,
		DeadlineExceeded,
		Internal {

	RuntimeFailure(String message, Throwable cause) {
		super(message, cause);
	}

}
