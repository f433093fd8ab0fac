package io.rocketcri.engine.rkt;

import java.io.IOException;

import io.rocketcri.config.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * What {@code rkt status --format=json} and {@code rkt app status --format=json} print, reduced
 * to what the engine asks. Times are nanoseconds since the epoch, as rkt prints them; fields rkt
 * leaves out (an app that never started has no {@code started_at}) are zero.
 */
final class RktStatus {

	private RktStatus() {
	}

	/** One app: {@code state} is created, running, exited or unknown. */
	record App(String name, String state, Integer exitCode, long createdAt, long startedAt, long finishedAt) {

		boolean exited() {
			return "exited".equals(state);
		}

		boolean running() {
			return "running".equals(state);
		}
	}

	/** A pod: {@code state} is embryo, preparing, prepared, running, exited, garbage… (rkt's pod states). */
	record Pod(String uuid, String state) {

		boolean running() {
			return "running".equals(state);
		}

		/** Whether the pod's processes are gone: it can be removed. */
		boolean finished() {
			return "exited".equals(state) || "exited garbage".equals(state) || "garbage".equals(state)
					|| "deleting".equals(state) || "aborted prepare".equals(state);
		}
	}

	static App app(String json) throws IOException {
		JsonNode node = parse(json, "rkt app status");
		return new App(node.path("name").asString(""), node.path("state").asString("unknown"),
				node.hasNonNull("exit_code") ? node.get("exit_code").asInt() : null, node.path("created_at").asLong(0),
				node.path("started_at").asLong(0), node.path("finished_at").asLong(0));
	}

	static Pod pod(String json) throws IOException {
		JsonNode node = parse(json, "rkt status");
		return new Pod(node.path("name").asString(""), node.path("state").asString("unknown"));
	}

	private static JsonNode parse(String json, String what) throws IOException {
		String text = json == null ? "" : json.strip();
		// rkt may print warnings before the object on the same stream
		int start = text.indexOf('{');
		if (start < 0) {
			throw new IOException(what + " printed no JSON object: " + abbreviate(text));
		}
		try {
			JsonNode node = Json.MAPPER.readTree(text.substring(start));
			if (node == null || !node.isObject()) {
				throw new IOException(what + " printed no JSON object: " + abbreviate(text));
			}
			return node;
		}
		catch (JacksonException ex) {
			throw new IOException(what + " printed unreadable JSON: " + abbreviate(text), ex);
		}
	}

	private static String abbreviate(String text) {
		return text.length() <= 200 ? text : text.substring(0, 200) + "…";
	}

}
