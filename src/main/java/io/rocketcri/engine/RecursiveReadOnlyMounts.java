package io.rocketcri.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Recursive read-only bind mounts (CRI {@code recursive_read_only}) on a runc that has no
 * {@code rro} option (runc learned it in 1.2; Debian 12 ships 1.1.5).
 *
 * <p>For each spec mount marked {@code rro}, the source is bind-mounted recursively on a staging
 * point under {@code <state>/rro/<container>/<n>}, made private (so later mounts on the host do
 * not propagate in, writable), and made read-only recursively with mount_setattr(2). runc then
 * binds the staging point instead of the source; a recursive bind copies each submount's
 * read-only flag, so the container sees every level read-only. The staging mounts go as soon as
 * runc has created the container (its mount namespace has its own copies by then).
 */
final class RecursiveReadOnlyMounts {

	private static final Logger log = LoggerFactory.getLogger(RecursiveReadOnlyMounts.class);

	static final String OPTION = "rro";

	private final HostOs host;

	private final Path root;

	RecursiveReadOnlyMounts(HostOs host, Path stateRoot) {
		this.host = host;
		this.root = stateRoot.resolve("rro");
	}

	/** True when the spec asks for at least one recursive read-only mount. */
	static boolean wanted(ObjectNode spec) {
		for (JsonNode mount : spec.path("mounts")) {
			for (JsonNode option : mount.path("options")) {
				if (OPTION.equals(option.asString())) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Stages every {@code rro} mount of {@code spec} and rewrites the spec to bind the staging
	 * points, without the option runc 1.1 would not understand. On failure, what was staged is
	 * released before the exception leaves.
	 */
	void stage(String containerId, ObjectNode spec) throws IOException {
		Path dir = root.resolve(containerId);
		int n = 0;
		try {
			for (JsonNode node : spec.path("mounts")) {
				ObjectNode mount = (ObjectNode) node;
				ArrayNode options = (ArrayNode) mount.path("options");
				if (!remove(options, OPTION)) {
					continue;
				}
				Path source = Path.of(mount.path("source").asString());
				Path staging = dir.resolve(Integer.toString(n++));
				Files.createDirectories(dir);
				if (Files.isDirectory(source)) {
					Files.createDirectory(staging);
				}
				else {
					Files.createFile(staging);
				}
				host.mount(source.toString(), staging, null, HostOs.MS_BIND | HostOs.MS_REC, null);
				host.mount(null, staging, null, HostOs.MS_PRIVATE | HostOs.MS_REC, null);
				host.makeReadOnlyRecursively(staging);
				mount.put("source", staging.toString());
			}
		}
		catch (IOException | RuntimeException ex) {
			try {
				release(containerId);
			}
			catch (IOException undo) {
				ex.addSuppressed(undo);
			}
			throw new IOException("staging recursive read-only mounts of container " + containerId + ": " + ex.getMessage(),
					ex);
		}
	}

	/** Unmounts and deletes a container's staging points; nothing staged is fine. */
	void release(String containerId) throws IOException {
		Path dir = root.resolve(containerId);
		if (!Files.isDirectory(dir)) {
			return;
		}
		List<Path> points;
		try (Stream<Path> list = Files.list(dir)) {
			points = list.toList();
		}
		for (Path point : points) {
			try {
				host.unmount(point, HostOs.MNT_DETACH);
			}
			catch (HostOsException ex) {
				if (ex.errno() != HostOsException.EINVAL) { // EINVAL: not a mount point (a failed stage)
					throw ex;
				}
			}
			// only ever an empty directory or empty file once unmounted: never walk into a mount
			Files.deleteIfExists(point);
		}
		Files.deleteIfExists(dir);
	}

	/** Releases the staging points of containers nobody knows (left by a crash). */
	void releaseUnknown(Set<String> knownContainerIds) {
		if (!Files.isDirectory(root)) {
			return;
		}
		List<String> ids = new ArrayList<>();
		try (Stream<Path> list = Files.list(root)) {
			list.map(p -> p.getFileName().toString()).filter(id -> !knownContainerIds.contains(id)).forEach(ids::add);
		}
		catch (IOException ex) {
			log.warn("listing {} for leftover recursive read-only mounts: {}", root, ex.toString());
			return;
		}
		for (String id : ids) {
			try {
				log.info("releasing recursive read-only mounts of unknown container {} left by an earlier run", id);
				release(id);
			}
			catch (IOException ex) {
				log.warn("releasing recursive read-only mounts of unknown container {}: {}", id, ex.toString());
			}
		}
	}

	private static boolean remove(ArrayNode options, String value) {
		for (int i = 0; i < options.size(); i++) {
			if (value.equals(options.get(i).asString())) {
				options.remove(i);
				return true;
			}
		}
		return false;
	}

}
