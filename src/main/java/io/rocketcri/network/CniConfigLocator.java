package io.rocketcri.network;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.rocketcri.config.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Finds the CNI network the pods join: like libcni, the lexicographically first .conflist, .conf
 * or .json file in the config directory that parses. While there is none, the node is not
 * network-ready, and Status says which directory was searched.
 *
 * <p>A single-plugin .conf is read as a list of one plugin. A file is usable when it names the
 * network, at least one plugin, each by a plain binary name, and a CNI version rocket-cri
 * supports ({@code cniVersion}, or the highest supported entry of {@code cniVersions}).
 */
public final class CniConfigLocator {

	/** A plugin type is looked up as a file in the plugin directories: no paths. */
	private static final Pattern PLUGIN_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

	private final Path configDir;

	public CniConfigLocator(Path configDir) {
		this.configDir = configDir;
	}

	/**
	 * A usable network configuration.
	 * @param file where it was read
	 * @param networkName its {@code name}
	 * @param pluginTypes the plugins in execution order
	 * @param cniVersion the spec version the runtime speaks with its plugins
	 * @param list the configuration as a list ({@code name}, {@code cniVersion}, {@code plugins}, …)
	 */
	public record Found(Path file, String networkName, List<String> pluginTypes, String cniVersion, ObjectNode list) {

		public Found {
			pluginTypes = List.copyOf(pluginTypes);
			list = list.deepCopy();
		}

		/** A copy: callers inject per-pod values into plugin configurations. */
		@Override
		public ObjectNode list() {
			return this.list.deepCopy();
		}

	}

	/** The first usable network config, or a reason why there is none. */
	public sealed interface Lookup permits Present, Missing {
	}

	/** @param skipped what was wrong with the files sorted before the one chosen (libcni skips them too) */
	public record Present(Found config, List<String> skipped) implements Lookup {

		public Present {
			skipped = List.copyOf(skipped);
		}
	}

	public record Missing(String reason) implements Lookup {
	}

	public Path configDir() {
		return this.configDir;
	}

	public Lookup lookup() {
		if (!Files.isDirectory(configDir)) {
			return new Missing("no CNI configuration directory " + configDir);
		}
		List<Path> candidates = new ArrayList<>();
		try (DirectoryStream<Path> files = Files.newDirectoryStream(configDir, "*.{conflist,conf,json}")) {
			files.forEach(candidates::add);
		}
		catch (IOException ex) {
			return new Missing("reading CNI configuration directory " + configDir + ": " + ex.getMessage());
		}
		candidates.sort(null);
		List<String> problems = new ArrayList<>();
		for (Path file : candidates) {
			Optional<Found> found = parse(file, problems);
			if (found.isPresent()) {
				return new Present(found.get(), problems);
			}
		}
		return new Missing(candidates.isEmpty() ? "no CNI network configuration in " + configDir
				: "no usable CNI network configuration in " + configDir + ": " + String.join("; ", problems));
	}

	private static Optional<Found> parse(Path file, List<String> problems) {
		String name = file.getFileName().toString();
		try {
			JsonNode root = Json.read(file);
			if (root == null || !root.isObject()) {
				problems.add(name + " is not a JSON object");
				return Optional.empty();
			}
			ObjectNode list;
			if (root.has("plugins")) {
				list = ((ObjectNode) root).deepCopy();
			}
			else if (root.has("type")) {
				// A single plugin configuration (.conf): the same as a list of that one plugin.
				list = Json.MAPPER.createObjectNode();
				list.set("cniVersion", root.get("cniVersion"));
				list.set("name", root.get("name"));
				list.putArray("plugins").add(root.deepCopy());
			}
			else {
				problems.add(name + " names no plugin type");
				return Optional.empty();
			}
			String networkName = list.path("name").asString("");
			if (networkName.isBlank()) {
				problems.add(name + " names no network (\"name\")");
				return Optional.empty();
			}
			if (!list.path("plugins").isArray() || list.path("plugins").isEmpty()) {
				problems.add(name + " names no plugin type");
				return Optional.empty();
			}
			List<String> types = new ArrayList<>();
			for (JsonNode plugin : (ArrayNode) list.get("plugins")) {
				String type = plugin.path("type").asString("");
				if (!plugin.isObject() || !PLUGIN_TYPE.matcher(type).matches()) {
					problems.add(name + " names no plugin type or an invalid one: '" + type + "'");
					return Optional.empty();
				}
				types.add(type);
			}
			Optional<String> version = version(list);
			if (version.isEmpty()) {
				problems.add(name + " asks for CNI version " + (list.has("cniVersions") ? list.get("cniVersions")
						: "'" + list.path("cniVersion").asString("") + "'") + "; supported: " + CniVersions.SUPPORTED);
				return Optional.empty();
			}
			list.put("cniVersion", version.get());
			return Optional.of(new Found(file, networkName, types, version.get(), list));
		}
		catch (IOException ex) {
			problems.add(name + ": " + ex.getMessage());
			return Optional.empty();
		}
	}

	private static Optional<String> version(ObjectNode list) {
		if (list.path("cniVersions").isArray()) {
			List<String> offered = new ArrayList<>();
			list.get("cniVersions").forEach(v -> offered.add(v.asString("")));
			return CniVersions.highestSupported(offered);
		}
		String version = list.path("cniVersion").asString("");
		return CniVersions.isSupported(version) ? Optional.of(version) : Optional.empty();
	}

}
