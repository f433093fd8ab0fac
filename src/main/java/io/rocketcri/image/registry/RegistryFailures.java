package io.rocketcri.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;

import io.rocketcri.config.Json;
import tools.jackson.databind.JsonNode;

/**
 * Turns HTTP statuses and transport exceptions into {@link RegistryException}s whose message reads
 * "{@code <action> from <registry>: <reason>}", the reason being the status line plus the
 * registry's own error text (distribution's {@code {"errors":[{"code","message"}]}} body), or
 * what the network said.
 */
final class RegistryFailures {

	/** Enough of an error body to quote; registries send short JSON, proxies may send HTML pages. */
	private static final int MAX_ERROR_BODY = 4096;

	private RegistryFailures() {
	}

	static RegistryException failure(String action, Endpoint endpoint, String reason, int status, Throwable cause) {
		return new RegistryException(action + " from " + endpoint.describe() + ": " + reason, reason, endpoint.host(),
				status, cause);
	}

	/** An unexpected status; reads (and closes) the body for the registry's explanation. */
	static RegistryException status(String action, Endpoint endpoint, HttpResponse<InputStream> response,
			String hint) {
		return failure(action, endpoint, statusReason(response, hint), response.statusCode(), null);
	}

	/** No HTTP answer at all: refused, timed out, DNS, TLS. */
	static RegistryException transport(String action, Endpoint endpoint, String host, IOException ex) {
		return failure(action, endpoint, transportReason(host, ex), 0, ex);
	}

	/** "401 Unauthorized: CODE: message (hint)"; reads and closes the body. */
	static String statusReason(HttpResponse<InputStream> response, String hint) {
		String detail = errorText(response);
		StringBuilder reason = new StringBuilder(statusLine(response.statusCode()));
		if (!detail.isEmpty()) {
			reason.append(": ").append(detail);
		}
		if (hint != null) {
			reason.append(" (").append(hint).append(')');
		}
		return reason.toString();
	}

	private static boolean resolves(String hostAndPort) {
		String name = hostAndPort.startsWith("[") ? hostAndPort.substring(1, hostAndPort.indexOf(']'))
				: hostAndPort.replaceFirst(":\\d+$", "");
		try {
			java.net.InetAddress.getByName(name);
			return true;
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	static String transportReason(String host, IOException ex) {
		if (has(ex, HttpConnectTimeoutException.class)) {
			return "registry " + host + " unreachable: connect timed out";
		}
		if (has(ex, HttpTimeoutException.class)) {
			return "registry " + host + " did not answer in time";
		}
		if (has(ex, UnknownHostException.class)) {
			return "registry " + host + " unreachable: unknown host";
		}
		if (has(ex, ConnectException.class)) {
			// java.net.http drops the OS message; a ConnectException is the refused connection.
			String why = rootMessage(ex);
			if (why == null && !resolves(host)) {
				// java.net.http reports a name that does not resolve as a bare ConnectException too
				return "registry " + host + " unreachable: unknown host";
			}
			return "registry " + host + " unreachable: " + ((why != null) ? why : "Connection refused");
		}
		String why = Objects.requireNonNullElse(rootMessage(ex), ex.getClass().getSimpleName());
		if (has(ex, SSLException.class)) {
			return "TLS with registry " + host + " failed: " + why
					+ " (a plain-http registry must be marked insecure in registries.conf)";
		}
		return "talking to registry " + host + ": " + why;
	}

	/**
	 * One exception for an action that failed at every endpoint: the last failure's message (the
	 * registry itself, usually the most telling) followed by the earlier attempts.
	 */
	static RegistryException allFailed(List<RegistryException> failures) {
		RegistryException last = failures.getLast();
		if (failures.size() == 1) {
			return last;
		}
		List<String> earlier = new ArrayList<>();
		for (RegistryException failure : failures.subList(0, failures.size() - 1)) {
			earlier.add(failure.registry() + ": " + failure.reason());
		}
		RegistryException combined = new RegistryException(
				last.getMessage() + "; earlier attempts: " + String.join("; ", earlier), last.reason(), last.registry(),
				last.httpStatus(), last.getCause());
		failures.subList(0, failures.size() - 1).forEach(combined::addSuppressed);
		return combined;
	}

	static String statusLine(int status) {
		String phrase = switch (status) {
			case 400 -> "Bad Request";
			case 401 -> "Unauthorized";
			case 403 -> "Forbidden";
			case 404 -> "Not Found";
			case 405 -> "Method Not Allowed";
			case 406 -> "Not Acceptable";
			case 408 -> "Request Timeout";
			case 409 -> "Conflict";
			case 416 -> "Range Not Satisfiable";
			case 429 -> "Too Many Requests";
			case 500 -> "Internal Server Error";
			case 502 -> "Bad Gateway";
			case 503 -> "Service Unavailable";
			case 504 -> "Gateway Timeout";
			default -> "";
		};
		return phrase.isEmpty() ? "HTTP " + status : status + " " + phrase;
	}

	/** {@code CODE: message} for each distribution error, else the start of the body as text. */
	private static String errorText(HttpResponse<InputStream> response) {
		byte[] body;
		try (InputStream in = response.body()) {
			body = in.readNBytes(MAX_ERROR_BODY);
		}
		catch (IOException ex) {
			return "";
		}
		try {
			JsonNode errors = Json.read(body).path("errors");
			if (errors.isArray() && !errors.isEmpty()) {
				List<String> parts = new ArrayList<>();
				for (JsonNode error : errors) {
					String code = error.path("code").asString("");
					String message = error.path("message").asString("");
					parts.add(code.isEmpty() ? message : message.isEmpty() ? code : code + ": " + message);
				}
				return String.join("; ", parts);
			}
		}
		catch (IOException | RuntimeException ex) {
			// not distribution's JSON: quote it as text below
		}
		String text = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
		return (text.length() > 200) ? text.substring(0, 200) + "…" : text;
	}

	private static boolean has(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (type.isInstance(t)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The most specific message in the cause chain (java.net.http wraps the real failure), or null
	 * when none has one.
	 */
	private static String rootMessage(Throwable ex) {
		String message = null;
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t.getMessage() != null && !t.getMessage().isBlank()) {
				message = t.getMessage();
			}
		}
		return message;
	}

}
