package io.rocketcri.console.api;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * problem+json for {@code /api/**} requests that no API controller took: an unknown path
 * (NoResourceFoundException), a method the path does not have, an Accept nothing produces. The
 * controller advice only sees exceptions of our controllers, and Spring Boot's error page would
 * answer these in its legacy JSON (spring-boot#48392). Runs before Spring's own resolvers; any
 * request outside {@code /api/} goes on to them untouched (the console has its own pages).
 */
@Component
class ApiFallbackProblems implements HandlerExceptionResolver, Ordered {

	private final JsonMapper json;

	ApiFallbackProblems(JsonMapper json) {
		this.json = json;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 10; // after Boot's DefaultErrorAttributes, which only records
	}

	@Override
	public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
			Exception ex) {
		if (!request.getRequestURI().startsWith("/api/") || handler instanceof HandlerMethod
				|| !(ex instanceof ErrorResponse error) || response.isCommitted()) {
			return null;
		}
		int status = error.getStatusCode().value();
		ProblemCode code = ProblemCode.ofStatus(status);
		String detail = status == 404 ? "no API endpoint at %s %s; the OpenAPI document is at /v3/api-docs"
			.formatted(request.getMethod(), request.getRequestURI()) : error.getBody().getDetail();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", code.type().toString());
		body.put("title", HttpStatus.valueOf(status).getReasonPhrase());
		body.put("status", status);
		body.put("detail", Problems.bounded(detail));
		body.put("instance", request.getRequestURI());
		body.put("code", code.code);
		try {
			response.setStatus(status);
			error.getHeaders().forEach((name, values) -> values.forEach(v -> response.addHeader(name, v)));
			response.setContentType("application/problem+json");
			json.writeValue(response.getOutputStream(), body);
		}
		catch (IOException ignored) {
			// the client is gone
		}
		return new ModelAndView();
	}

}
