package io.rocketcri.console.api;

import java.net.URI;

import io.rocketcri.failure.AlreadyExists;
import io.rocketcri.failure.DeadlineExceeded;
import io.rocketcri.failure.FailedPrecondition;
import io.rocketcri.failure.Internal;
import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.failure.NotFound;
import io.rocketcri.failure.ResourceExhausted;
import io.rocketcri.failure.RuntimeFailure;
import io.rocketcri.failure.Unauthenticated;
import io.rocketcri.failure.Unavailable;

/**
 * The stable {@code code} of an API problem and its HTTP status. Clients key on the code (the
 * title and detail are for people); the problem {@code type} is {@code https://rocket-cri.io/problems/<code>}.
 * 401 {@code unauthenticated} and 403 {@code forbidden} come from the security filters (ProblemWriter).
 */
enum ProblemCode {

	INVALID_ARGUMENT(400, "invalid-argument"),
	UNAUTHENTICATED(401, "unauthenticated"),
	FORBIDDEN(403, "forbidden"),
	NOT_FOUND(404, "not-found"),
	METHOD_NOT_ALLOWED(405, "method-not-allowed"),
	NOT_ACCEPTABLE(406, "not-acceptable"),
	/** The object exists already (a name taken). */
	ALREADY_EXISTS(409, "already-exists"),
	/** The object is in a state that does not allow this (exec in an exited container). */
	FAILED_PRECONDITION(409, "failed-precondition"),
	PAYLOAD_TOO_LARGE(413, "payload-too-large"),
	UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type"),
	INTERNAL(500, "internal"),
	/**
	 * A registry refused the credentials of a pull. Not 401: that would tell the API client its own
	 * token is wrong.
	 */
	REGISTRY_UNAUTHENTICATED(502, "registry-unauthenticated"),
	/** A registry or the runtime itself (still starting) cannot be reached now; retrying may help. */
	UNAVAILABLE(503, "unavailable"),
	/** An exec ran longer than its timeoutSeconds. */
	DEADLINE_EXCEEDED(504, "deadline-exceeded"),
	/** The node ran out of disk space or inodes. */
	RESOURCE_EXHAUSTED(507, "resource-exhausted");

	static final String TYPE_BASE = "https://rocket-cri.io/problems/";

	final int status;

	final String code;

	ProblemCode(int status, String code) {
		this.status = status;
		this.code = code;
	}

	URI type() {
		return URI.create(TYPE_BASE + code);
	}

	/** The one mapping from capability failures to HTTP; a new failure kind does not compile here until mapped. */
	static ProblemCode of(RuntimeFailure failure) {
		return switch (failure) {
			case NotFound f -> NOT_FOUND;
			case AlreadyExists f -> ALREADY_EXISTS;
			case InvalidArgument f -> INVALID_ARGUMENT;
			case FailedPrecondition f -> FAILED_PRECONDITION;
			case Unavailable f -> UNAVAILABLE;
			case ResourceExhausted f -> RESOURCE_EXHAUSTED;
			case Unauthenticated f -> REGISTRY_UNAUTHENTICATED;
			case DeadlineExceeded f -> DEADLINE_EXCEEDED;
			case Internal f -> INTERNAL;
		};
	}

	/** For Spring MVC's own exceptions, which carry a status only. */
	static ProblemCode ofStatus(int status) {
		for (ProblemCode c : values()) {
			if (c.status == status && c != FAILED_PRECONDITION) {
				return c;
			}
		}
		return status >= 500 ? INTERNAL : INVALID_ARGUMENT;
	}

}
