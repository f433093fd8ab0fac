package io.rocketcri.cri;

import io.grpc.Status;
import io.grpc.StatusException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.grpc.server.exception.GrpcExceptionHandler;
import org.springframework.stereotype.Component;

/**
 * The one place where failures become gRPC statuses. kubelet keys behaviour on the codes
 * (NotFound on a *Status call means "gone"), so the mapping is a closed switch over the sealed
 * failure type. Anything else is our bug: the caller gets INTERNAL with the message, never a
 * stack trace, and the log gets the trace.
 */
@Component
class CriErrorMapping implements GrpcExceptionHandler {

	private static final int MAX_DESCRIPTION = 2048;

	private static final Logger log = LoggerFactory.getLogger(CriErrorMapping.class);

	@Override
	public StatusException handleException(Throwable exception) {
		if (exception instanceof StatusException already) {
			return already;
		}
		if (exception instanceof io.grpc.StatusRuntimeException already) {
			return already.getStatus().asException();
		}
		return toStatus(exception).asException();
	}

	static Status toStatus(Throwable exception) {
		if (exception instanceof RuntimeFailure failure) {
			Status status = switch (failure) {
				case NotFound f -> Status.NOT_FOUND;
				case AlreadyExists f -> Status.ALREADY_EXISTS;
				case InvalidArgument f -> Status.INVALID_ARGUMENT;
				case FailedPrecondition f -> Status.FAILED_PRECONDITION;
				case Unavailable f -> Status.UNAVAILABLE;
				case ResourceExhausted f -> Status.RESOURCE_EXHAUSTED;
				case Unauthenticated f -> Status.UNAUTHENTICATED;
				case DeadlineExceeded f -> Status.DEADLINE_EXCEEDED;
				case Internal f -> Status.INTERNAL;
			};
			if (failure instanceof Internal) {
				log.error("{}", failure.getMessage(), failure);
			}
			return status.withDescription(bounded(failure.getMessage()));
		}
		log.error("unexpected failure serving a CRI call", exception);
		return Status.INTERNAL.withDescription(bounded("internal error: " + exception));
	}

	/**
	 * Messages quote what the caller sent; a 5000-character name must not blow gRPC's 8 KiB trailer
	 * limit (the client would see INTERNAL instead of our answer).
	 */
	static String bounded(String message) {
		if (message == null || message.length() <= MAX_DESCRIPTION) {
			return message;
		}
		return message.substring(0, MAX_DESCRIPTION) + "… (" + (message.length() - MAX_DESCRIPTION) + " more characters)";
	}

}
