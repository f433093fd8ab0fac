package io.rocketcri.engine.ns;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@link NamespacePinner} without namespaces, for tests of the layers above: a "pin" is a plain
 * file holding the host name, so tests can check what a pod asked for.
 */
public final class FakeNamespacePinner implements NamespacePinner {

	private final Path root;

	private final Map<String, String> hostnames = new HashMap<>();

	public FakeNamespacePinner(Path root) {
		this.root = root;
	}

	@Override
	public synchronized PinnedNamespaces pinInUserNamespace(String podId, Set<NamespaceType> types, String hostname,
			IdMapping uids, IdMapping gids) throws IOException {
		Set<NamespaceType> all = java.util.EnumSet.noneOf(NamespaceType.class);
		all.addAll(types);
		all.add(NamespaceType.USER);
		return pin(podId, all, hostname);
	}

	@Override
	public synchronized PinnedNamespaces pin(String podId, Set<NamespaceType> types, String hostname)
			throws IOException {
		PodIds.requireSafe(podId);
		Map<NamespaceType, Path> paths = new EnumMap<>(NamespaceType.class);
		for (NamespaceType type : types) {
			Path file = this.root.resolve(type.kernelName()).resolve(podId);
			if (Files.exists(file)) {
				throw new FileAlreadyExistsException(file.toString(), null,
						"the " + type + " namespace of pod " + podId + " is already pinned");
			}
			paths.put(type, file);
		}
		for (Path file : paths.values()) {
			Files.createDirectories(file.getParent());
			Files.writeString(file, hostname == null ? "" : hostname);
		}
		if (types.contains(NamespaceType.UTS) && hostname != null) {
			this.hostnames.put(podId, hostname);
		}
		return new PinnedNamespaces(podId, paths);
	}

	@Override
	public synchronized void unpin(PinnedNamespaces pinned) throws IOException {
		for (Path file : pinned.paths().values()) {
			Files.deleteIfExists(file);
		}
		this.hostnames.remove(pinned.podId());
	}

	@Override
	public synchronized Optional<PinnedNamespaces> find(String podId) {
		PodIds.requireSafe(podId);
		Map<NamespaceType, Path> paths = new EnumMap<>(NamespaceType.class);
		for (NamespaceType type : NamespaceType.values()) {
			Path file = this.root.resolve(type.kernelName()).resolve(podId);
			if (Files.exists(file)) {
				paths.put(type, file);
			}
		}
		return paths.isEmpty() ? Optional.empty() : Optional.of(new PinnedNamespaces(podId, paths));
	}

	@Override
	public synchronized Set<String> pinnedPodIds() throws IOException {
		Set<String> ids = new TreeSet<>();
		for (NamespaceType type : NamespaceType.values()) {
			Path dir = this.root.resolve(type.kernelName());
			if (Files.isDirectory(dir)) {
				try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
					files.forEach(f -> ids.add(f.getFileName().toString()));
				}
			}
		}
		return ids;
	}

	/** The host name the pod's UTS namespace was given, if it has one. */
	public synchronized Optional<String> hostname(String podId) {
		return Optional.ofNullable(this.hostnames.get(podId));
	}

}
