package io.rocketcri.console.api;

import io.rocketcri.failure.Internal;
import io.rocketcri.failure.RuntimeFailure;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one place where the REST API's failures become HTTP: capability failures by their sealed
 * type ({@link ProblemCode#of}), Spring MVC's own (bad parameter types, missing parameters,
 * unreadable JSON, unsupported media types) by status, anything else as 500 {@code internal}
 * without its message or trace (the log has them). Every body is RFC 9457
 * {@code application/problem+json} with a stable {@code code}.
 */
@RestControllerAdvice(basePackages = "io.rocketcri.console.api")
class ApiProblemAdvice extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ApiProblemAdvice.class);

	@ExceptionHandler(RuntimeFailure.class)
	ResponseEntity<ProblemDetail> failure(RuntimeFailure failure, HttpServletRequest request) {
		if (failure instanceof Internal) {
			log.error("{} {}: {}", request.getMethod(), request.getRequestURI(), failure.getMessage(), failure);
		}
		else {
			log.debug("{} {}: {}", request.getMethod(), request.getRequestURI(), failure.getMessage());
		}
		ProblemCode code = ProblemCode.of(failure);
		return ResponseEntity.status(code.status).body(Problems.of(code, failure.getMessage(), request.getRequestURI()));
	}

	@ExceptionHandler(LogFormat.NotAcceptable.class)
	ResponseEntity<ProblemDetail> notAcceptable(LogFormat.NotAcceptable ex, HttpServletRequest request) {
		return ResponseEntity.status(406)
			.contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
			.body(Problems.of(ProblemCode.NOT_ACCEPTABLE, ex.getMessage(), request.getRequestURI()));
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ProblemDetail> unexpected(Exception ex, HttpServletRequest request) {
		log.error("{} {}: unexpected failure", request.getMethod(), request.getRequestURI(), ex);
		return ResponseEntity.status(500)
			.body(Problems.of(ProblemCode.INTERNAL, "internal error serving %s %s; the runtime's log has the details"
				.formatted(request.getMethod(), request.getRequestURI()), request.getRequestURI()));
	}

	/** "tailLines: not a number: abc" rather than Spring's "Failed to convert 'tailLines' ...". */
	@Override
	protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		String name = ex.getPropertyName() != null ? ex.getPropertyName() : "parameter";
		String type = ex.getRequiredType() == null ? "the expected type" : switch (ex.getRequiredType().getSimpleName()) {
			case "Long", "long", "Integer", "int" -> "a whole number";
			case "Boolean", "boolean" -> "true or false";
			case "Instant", "OffsetDateTime" -> "an RFC 3339 time";
			default -> "a " + ex.getRequiredType().getSimpleName();
		};
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
				"%s: \"%s\" is not %s".formatted(name, Problems.bounded(String.valueOf(ex.getValue())), type));
		return handleExceptionInternal(ex, problem, headers, status, request);
	}

	/** Names what is wrong with the body (Jackson's first line), not just "Failed to read request". */
	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		Throwable cause = ex.getMostSpecificCause();
		String why = cause == null || cause == ex ? "missing or unreadable" : "not valid JSON: " + cause.getMessage();
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
				"request body: " + firstLine(why));
		return handleExceptionInternal(ex, problem, headers, status, request);
	}

	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		ProblemDetail problem = body instanceof ProblemDetail p ? p
				: ProblemDetail.forStatusAndDetail(statusCode, ex.getMessage());
		String path = request instanceof ServletWebRequest servlet ? servlet.getRequest().getRequestURI() : null;
		Problems.decorate(problem, ProblemCode.ofStatus(statusCode.value()), path);
		return super.handleExceptionInternal(ex, problem, headers, statusCode, request);
	}

	private static String firstLine(String text) {
		int nl = text.indexOf('\n');
		return Problems.bounded(nl < 0 ? text : text.substring(0, nl));
	}

}
