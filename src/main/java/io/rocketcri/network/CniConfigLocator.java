package io.rocketcri.network;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Finds the CNI network the pods join: like libcni, the lexicographically first .conflist, .conf
 * or .json file in the config directory that parses. While there is none, the node is not
 * network-ready, and Status says which directory was searched.
 */
public final class CniConfigLocator {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final Path configDir;

	public CniConfigLocator(Path configDir) {
		this.configDir = configDir;
	}

	public record Found(Path file, String networkName, List<String> pluginTypes) {
	}

	/** The first usable network config, or a reason why there is none. */
	public sealed interface Lookup permits Present, Missing {
	}

	public record Present(Found config) implements Lookup {
	}

	public record Missing(String reason) implements Lookup {
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
				return new Present(found.get());
			}
		}
		return new Missing(candidates.isEmpty() ? "no CNI network configuration in " + configDir
				: "no usable CNI network configuration in " + configDir + ": " + String.join("; ", problems));
	}

	private static Optional<Found> parse(Path file, List<String> problems) {
		try {
			JsonNode root = JSON.readTree(file.toFile());
			List<String> types = new ArrayList<>();
			if (root.has("plugins")) {
				root.get("plugins").forEach(p -> types.add(p.path("type").asText()));
			}
			else if (root.has("type")) {
				types.add(root.get("type").asText());
			}
			if (types.isEmpty() || types.stream().anyMatch(String::isBlank)) {
				problems.add(file.getFileName() + " names no plugin type");
				return Optional.empty();
			}
			return Optional.of(new Found(file, root.path("name").asText(""), List.copyOf(types)));
		}
		catch (IOException ex) {
			problems.add(file.getFileName() + ": " + ex.getMessage());
			return Optional.empty();
		}
	}

}
