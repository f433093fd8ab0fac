package io.rocketcri.engine.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

import io.rocketcri.config.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the runtime must remember about one container to drive it after {@code create}, also after
 * a restart of rocket-cri (conmon and the container keep running meanwhile): kept as
 * {@code runtime.json} in the container's persist directory.
 *
 * @param id container id
 * @param bundle the bundle directory (conmon's control FIFO {@code ctl} lives there)
 * @param logPath the CRI log file, null when the container logs nowhere
 * @param runtimeHandler e.g. {@code runc}; names the runtime's {@code --root} directory
 * @param runtimeBinary the OCI runtime program
 */
record ConmonContainer(String id, Path bundle, Path logPath, String runtimeHandler, Path runtimeBinary) {

	static final String FILE_NAME = "runtime.json";

	/** Writes the record atomically (temporary file, then rename) into {@code persistDir}. */
	void save(Path persistDir) throws IOException {
		ObjectNode node = Json.MAPPER.createObjectNode();
		node.put("id", this.id);
		node.put("bundle", this.bundle.toString());
		node.put("logPath", this.logPath != null ? this.logPath.toString() : null);
		node.put("runtimeHandler", this.runtimeHandler);
		node.put("runtimeBinary", this.runtimeBinary.toString());
		Path tmp = persistDir.resolve(FILE_NAME + ".tmp");
		Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
		Files.move(tmp, persistDir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE,
				StandardCopyOption.REPLACE_EXISTING);
	}

	/** The record in {@code persistDir}, empty when there is none. */
	static Optional<ConmonContainer> load(Path persistDir) throws IOException {
		JsonNode node;
		try {
			node = Json.read(Files.readAllBytes(persistDir.resolve(FILE_NAME)));
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		String logPath = node.path("logPath").isString() ? node.get("logPath").asString() : null;
		return Optional.of(new ConmonContainer(node.path("id").asString(), Path.of(node.path("bundle").asString()),
				logPath != null ? Path.of(logPath) : null, node.path("runtimeHandler").asString(),
				Path.of(node.path("runtimeBinary").asString())));
	}

}
