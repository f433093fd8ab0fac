package io.rocketcri.image;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.rocketcri.config.Json;
import tools.jackson.databind.JsonNode;

/**
 * The parts of an OCI / Docker image config that the runtime uses: what to run, as whom, and the
 * layer diff ids that prove the unpacked layers are the ones the image was built from.
 */
public record ImageConfig(String os, String architecture, String user, List<String> env, List<String> entrypoint,
		List<String> cmd, String workingDir, String stopSignal, Map<String, String> labels, List<String> volumes,
		List<String> diffIds) {

	public static ImageConfig parse(byte[] json) throws IOException {
		JsonNode root = Json.read(json);
		if (root == null || !root.isObject()) {
			throw new IOException("image config is not a JSON object");
		}
		JsonNode config = root.path("config");
		List<String> diffIds = strings(root.path("rootfs").path("diff_ids"));
		Map<String, String> labels = new LinkedHashMap<>();
		config.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString("")));
		List<String> volumes = new ArrayList<>(config.path("Volumes").propertyNames());
		return new ImageConfig(root.path("os").asString(""), root.path("architecture").asString(""),
				config.path("User").asString(""), strings(config.path("Env")), strings(config.path("Entrypoint")),
				strings(config.path("Cmd")), config.path("WorkingDir").asString(""),
				config.path("StopSignal").asString(""), labels, volumes, diffIds);
	}

	/**
	 * The numeric uid when the image's user is numeric ("1000" or "1000:1000"), which CRI reports as
	 * {@code uid}; null when it is a name (reported as {@code username}) or empty.
	 */
	public Long numericUid() {
		String u = userPart();
		return !u.isEmpty() && u.chars().allMatch(Character::isDigit) ? Long.valueOf(u) : null;
	}

	public String username() {
		String u = userPart();
		return !u.isEmpty() && numericUid() == null ? u : "";
	}

	private String userPart() {
		int colon = user.indexOf(':');
		return colon < 0 ? user : user.substring(0, colon);
	}

	private static List<String> strings(JsonNode array) {
		List<String> out = new ArrayList<>();
		if (array.isArray()) {
			array.forEach(n -> out.add(n.asString("")));
		}
		return out;
	}

}
