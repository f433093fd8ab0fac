package io.rocketcri.console.security;

import java.io.IOException;

import io.rocketcri.config.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * RFC 9457 bodies for what the security filters refuse (401, 403), in the same shape as the REST
 * API's own problems: {@code type} https://rocket-cri.io/problems/&lt;code&gt; and a stable
 * {@code code}. The filters run before Spring MVC, so its ProblemDetail handling never sees them.
 */
@Component
class ProblemWriter {

	static final String TYPE_BASE = "https://rocket-cri.io/problems/";

	void write(HttpServletRequest request, HttpServletResponse response, int status, String code, String detail)
			throws IOException {
		ObjectNode body = Json.MAPPER.createObjectNode();
		body.put("type", TYPE_BASE + code);
		body.put("title", HttpStatus.valueOf(status).getReasonPhrase());
		body.put("status", status);
		body.put("detail", detail);
		body.put("instance", request.getRequestURI());
		body.put("code", code);
		response.setStatus(status);
		response.setContentType("application/problem+json");
		// no charset parameter: JSON is UTF-8 by definition (RFC 8259), Jackson writes UTF-8 bytes;
		// written as bytes so that a client that has gone is an IOException, not one Jackson wraps
		response.getOutputStream().write(Json.MAPPER.writeValueAsBytes(body));
	}

}
