package io.rocketcri.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;

import io.rocketcri.config.Json;
import io.rocketcri.engine.CommandRunner;
import io.rocketcri.engine.CommandRunner.Command;
import io.rocketcri.engine.CommandRunner.Result;

/**
 * Runs one CNI plugin once, by the CNI execution protocol: the binary named by {@code type} from
 * the first plugin directory that has it; parameters in {@code CNI_*} environment variables;
 * configuration on stdin; the result, or an error object {@code {code, msg, details}}, on stdout.
 */
final class CniInvoker {

	private static final Pattern PLUGIN_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

	private final List<Path> pluginDirs;

	private final CommandRunner runner;

	private final Duration timeout;

	CniInvoker(List<Path> pluginDirs, CommandRunner runner, Duration timeout) {
		this.pluginDirs = List.copyOf(pluginDirs);
		this.runner = runner;
		this.timeout = timeout;
	}

	/**
	 * The parameters of one call.
	 * @param containerId {@code CNI_CONTAINERID}, the pod id
	 * @param netns {@code CNI_NETNS}; null leaves it out (DEL after the namespace is gone)
	 * @param ifName {@code CNI_IFNAME}
	 * @param cniArgs {@code CNI_ARGS}
	 */
	record Call(String containerId, Path netns, String ifName, String cniArgs) {
	}

	List<Path> pluginDirs() {
		return this.pluginDirs;
	}

	Optional<Path> find(String type) {
		if (!PLUGIN_TYPE.matcher(type).matches()) {
			return Optional.empty(); // a path, not a plugin name: never resolved against the plugin directories
		}
		return this.pluginDirs.stream()
			.map(dir -> dir.resolve(type))
			.filter(Files::isRegularFile)
			.filter(Files::isExecutable)
			.findFirst();
	}

	/**
	 * Runs {@code command} (ADD, DEL, …) of the plugin the config names.
	 * @return the plugin's stdout as JSON; {@link MissingNode} when it printed nothing
	 */
	JsonNode invoke(String command, ObjectNode config, Call call) throws NetworkException {
		String type = config.path("type").asString();
		String network = config.path("name").asString();
		String what = "CNI " + command + " of plugin " + type + " (network " + network + ") for pod "
				+ call.containerId();
		Path binary = find(type).orElseThrow(() -> new NetworkException(
				what + ": no executable " + type + " in " + this.pluginDirs, type, command, NetworkException.NO_CODE, ""));
		Map<String, String> env = new LinkedHashMap<>();
		env.put("CNI_COMMAND", command);
		env.put("CNI_CONTAINERID", call.containerId());
		if (call.netns() != null) {
			env.put("CNI_NETNS", call.netns().toString());
		}
		env.put("CNI_IFNAME", call.ifName());
		env.put("CNI_ARGS", call.cniArgs());
		env.put("CNI_PATH", this.pluginDirs.stream().map(Path::toString).collect(Collectors.joining(":")));
		byte[] stdin;
		try {
			stdin = Json.MAPPER.writeValueAsBytes(config);
		}
		catch (JacksonException ex) {
			throw new NetworkException(what + ": encoding the configuration: " + ex.getMessage(), ex);
		}
		Result result;
		try {
			result = this.runner.run(new Command(List.of(binary.toString()), env, stdin, null, this.timeout));
		}
		catch (IOException ex) {
			throw new NetworkException(what + ": cannot run " + binary + ": " + ex.getMessage(), ex);
		}
		if (result.timedOut()) {
			throw new NetworkException(what + ": timed out after " + this.timeout.toSeconds() + "s", type, command,
					NetworkException.NO_CODE, "");
		}
		if (result.exitCode() != 0) {
			throw failure(what, type, command, result);
		}
		String stdout = result.stdoutText().strip();
		if (stdout.isEmpty()) {
			return MissingNode.getInstance();
		}
		try {
			return Json.MAPPER.readTree(stdout);
		}
		catch (JacksonException ex) {
			throw new NetworkException(what + ": the plugin printed no JSON result: " + abbreviate(stdout), type,
					command, NetworkException.NO_CODE, "");
		}
	}

	/** The plugin's JSON error when it wrote one, its stderr or stdout otherwise. */
	private static NetworkException failure(String what, String type, String command, Result result) {
		String stdout = result.stdoutText().strip();
		try {
			JsonNode error = stdout.isEmpty() ? null : Json.MAPPER.readTree(stdout);
			if (error != null && error.isObject() && error.has("msg")) {
				int code = error.path("code").asInt(NetworkException.NO_CODE);
				String msg = error.path("msg").asString("");
				String details = error.path("details").asString("");
				return new NetworkException(what + ": " + msg + (details.isEmpty() ? "" : ": " + details)
						+ " (CNI error code " + code + ")", type, command, code, details);
			}
		}
		catch (JacksonException ex) {
			// not JSON: fall through to the raw text
		}
		String text = result.stderrText().strip().isEmpty() ? stdout : result.stderrText().strip();
		return new NetworkException(what + ": exited " + result.exitCode() + (text.isEmpty() ? "" : ": " + abbreviate(text)),
				type, command, NetworkException.NO_CODE, "");
	}

	private static String abbreviate(String text) {
		return text.length() <= 2000 ? text : text.substring(0, 2000) + "…";
	}

}
