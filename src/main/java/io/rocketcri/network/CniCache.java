package io.rocketcri.network;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import io.rocketcri.config.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What was attached for each pod, one JSON file per pod id: the network list as it was at ADD
 * time, the CNI parameters, and the final ADD result. DEL needs all of it (the result is DEL's
 * prevResult, and plugins must be deleted with the configuration they were added with) also after
 * a runtime restart or a changed configuration directory, as libcni's result cache does.
 *
 * <p>The entry is written before the first plugin runs (without a result) and again with the
 * result: a crash in between still leaves enough to clean up, and no entry means nothing was ever
 * attached. Writes are atomic (temporary file, rename); the first one is fsynced (see {@link #write}).
 */
final class CniCache {

	static final String KIND = "rocket-cri/cni-attachment/v1";

	private final Path dir;

	CniCache(Path dir) {
		this.dir = dir;
	}

	/**
	 * One pod's attachment.
	 * @param podId CNI container id
	 * @param configFile where the network list was read
	 * @param list the network list used for ADD (cniVersion resolved)
	 * @param ifName CNI_IFNAME
	 * @param netns CNI_NETNS of the ADD
	 * @param cniArgs CNI_ARGS of the ADD
	 * @param capabilityArgs all capability arguments the runtime offered
	 * @param result the final ADD result, or null while ADD has not completed
	 */
	record Entry(String podId, String configFile, ObjectNode list, String ifName, String netns, String cniArgs,
			ObjectNode capabilityArgs, JsonNode result) {

		String networkName() {
			return list.path("name").asString();
		}

		String cniVersion() {
			return list.path("cniVersion").asString();
		}

		Entry withResult(JsonNode result) {
			return new Entry(podId, configFile, list, ifName, netns, cniArgs, capabilityArgs, result);
		}

	}

	Path file(String podId) {
		return this.dir.resolve(podId + ".json");
	}

	/** Pods with an entry (temporary files of a write in progress do not count). */
	java.util.Set<String> podIds() throws IOException {
		java.util.Set<String> ids = new java.util.TreeSet<>();
		if (!Files.isDirectory(this.dir)) {
			return ids;
		}
		try (var files = Files.newDirectoryStream(this.dir, "*.json")) {
			for (Path file : files) {
				String name = file.getFileName().toString();
				if (!name.startsWith(".")) {
					ids.add(name.substring(0, name.length() - ".json".length()));
				}
			}
		}
		return ids;
	}

	/** The pod's entry; empty when there is none. IOException when one exists but cannot be read. */
	Optional<Entry> read(String podId) throws IOException {
		Path file = file(podId);
		if (!Files.exists(file)) {
			return Optional.empty();
		}
		JsonNode node = Json.read(file);
		if (node == null || !KIND.equals(node.path("kind").asString()) || !node.path("config").isObject()) {
			throw new IOException(file + " is not a " + KIND + " entry");
		}
		JsonNode result = node.path("result");
		return Optional.of(new Entry(node.path("containerId").asString(), node.path("configFile").asString(""),
				(ObjectNode) node.get("config"), node.path("ifName").asString("eth0"), node.path("netns").asString(""),
				node.path("cniArgs").asString(""),
				node.path("capabilityArgs").isObject() ? (ObjectNode) node.get("capabilityArgs")
						: Json.MAPPER.createObjectNode(),
				result.isObject() ? result : null));
	}

	void write(Entry entry) throws IOException {
		ObjectNode node = Json.MAPPER.createObjectNode();
		node.put("kind", KIND);
		node.put("containerId", entry.podId());
		node.put("networkName", entry.networkName());
		node.put("configFile", entry.configFile());
		node.put("ifName", entry.ifName());
		node.put("netns", entry.netns());
		node.put("cniArgs", entry.cniArgs());
		node.set("capabilityArgs", entry.capabilityArgs());
		node.set("config", entry.list());
		if (entry.result() != null) {
			node.set("result", entry.result());
		}
		Files.createDirectories(this.dir);
		Path file = file(entry.podId());
		Path temporary = this.dir.resolve("." + entry.podId() + ".json.tmp");
		Files.write(temporary, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
		if (entry.result() == null) {
			// Durable before the first plugin runs: after a power loss, host-local's reservation
			// file may survive, and only this record lets the next tear-down release it. The
			// second write (with the result) is not fsynced (1-3 ms a pod): if a power loss takes
			// it, this one remains, and DEL without prevResult is what plugins must accept anyway.
			// A crash of the runtime alone loses nothing either way (the page cache survives it).
			try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
				channel.force(true);
			}
		}
		try {
			Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (AtomicMoveNotSupportedException ex) {
			Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
		}
	}

	void delete(String podId) throws IOException {
		Files.deleteIfExists(file(podId));
	}

}
