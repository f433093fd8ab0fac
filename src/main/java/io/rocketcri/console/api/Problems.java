package io.rocketcri.console.api;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** Builds the RFC 9457 bodies of the API: type from the code, title from the status, bounded detail. */
final class Problems {

	/** Details quote what the caller sent; a megabyte of label selector must not come back whole. */
	private static final int MAX_DETAIL = 2048;

	private Problems() {
	}

	static ProblemDetail of(ProblemCode code, String detail, String instance) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(code.status), bounded(detail));
		decorate(problem, code, instance);
		return problem;
	}

	/** Adds our type, code and instance to a problem Spring made. */
	static void decorate(ProblemDetail problem, ProblemCode code, String instance) {
		problem.setType(code.type());
		problem.setProperty("code", code.code);
		if (problem.getTitle() == null) {
			problem.setTitle(HttpStatus.valueOf(code.status).getReasonPhrase());
		}
		if (instance != null) {
			try {
				problem.setInstance(java.net.URI.create(instance));
			}
			catch (IllegalArgumentException ex) {
				// not a URI we can repeat back; the problem is still the problem
			}
		}
		problem.setDetail(bounded(problem.getDetail()));
	}

	/** The fields of a problem as a plain map: the body of the final NDJSON line of a failed stream. */
	static Map<String, Object> fields(ProblemDetail problem) {
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("type", String.valueOf(problem.getType()));
		out.put("title", problem.getTitle());
		out.put("status", problem.getStatus());
		out.put("detail", problem.getDetail());
		if (problem.getInstance() != null) {
			out.put("instance", problem.getInstance().toString());
		}
		if (problem.getProperties() != null) {
			out.putAll(problem.getProperties());
		}
		return out;
	}

	static String bounded(String detail) {
		if (detail == null || detail.length() <= MAX_DETAIL) {
			return detail;
		}
		return detail.substring(0, MAX_DETAIL) + "… (" + (detail.length() - MAX_DETAIL) + " more characters)";
	}

}
