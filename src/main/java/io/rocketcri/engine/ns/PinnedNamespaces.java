package io.rocketcri.engine.ns;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The namespaces pinned for one pod: for each type, the file a namespace is bind-mounted on.
 * Containers join them by path (OCI {@code linux.namespaces[].path}), CNI gets the network one as
 * {@code CNI_NETNS}.
 *
 * @param podId the pod sandbox id the pins belong to
 * @param paths one file per pinned namespace type; types the pod shares with the host are absent
 */
public record PinnedNamespaces(String podId, Map<NamespaceType, Path> paths) {

	public PinnedNamespaces {
		Objects.requireNonNull(podId, "podId");
		// An EnumMap keeps NET, IPC, UTS in that order wherever the pins are listed.
		EnumMap<NamespaceType, Path> copy = new EnumMap<>(NamespaceType.class);
		paths.forEach((type, path) -> copy.put(Objects.requireNonNull(type), Objects.requireNonNull(path)));
		paths = Collections.unmodifiableMap(copy);
	}

	/** The file pinning the namespace of that type, or empty when the pod uses the host's. */
	public Optional<Path> path(NamespaceType type) {
		return Optional.ofNullable(this.paths.get(type));
	}

}
