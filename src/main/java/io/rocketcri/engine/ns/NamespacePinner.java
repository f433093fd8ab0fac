package io.rocketcri.engine.ns;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * Creates a pod's network, IPC and UTS namespaces and keeps them alive without any process in
 * them, by bind-mounting each onto a file (a "pin"). This replaces the pause container: the pins
 * outlive container restarts and runtime restarts, and are gone only after {@link #unpin}.
 *
 * <p>Lifecycle of one pod's pins:
 * <pre>
 *   (none) --pin--> PINNED --unpin--> (none)
 *                     |  ^
 *          restart    |  | find(podId) answers what is still mounted
 *                     v  |
 *                   PINNED
 * </pre>
 * <ul>
 * <li>{@link #pin} fails with {@link java.nio.file.FileAlreadyExistsException} when any of the
 * requested namespaces is already pinned for that pod id; leftovers that are not mounted any more
 * (a crash between creating the file and mounting it) are replaced silently.</li>
 * <li>{@link #unpin} is idempotent: it succeeds when the files or their mounts are already gone.</li>
 * <li>Pod ids must be usable as a file name: {@code [A-Za-z0-9][A-Za-z0-9_.-]*}; anything else is an
 * {@link IllegalArgumentException}.</li>
 * </ul>
 * Implementations are safe for concurrent use on different pod ids.
 */
public interface NamespacePinner {

	/**
	 * Creates fresh namespaces of the given types and pins them.
	 * @param podId the pod sandbox id; names the pin files
	 * @param types which namespaces the pod gets; an empty set pins nothing
	 * @param hostname set inside the new UTS namespace; ignored unless {@link NamespaceType#UTS} is
	 * requested; null leaves the host's name (copied into the new namespace)
	 * @throws java.nio.file.FileAlreadyExistsException when the pod already has pins of those types
	 */
	PinnedNamespaces pin(String podId, Set<NamespaceType> types, String hostname) throws IOException;

	/**
	 * Like {@link #pin}, but first creates a user namespace with the given mappings, pinned as
	 * {@link NamespaceType#USER}, which then owns the other new namespaces.
	 * @param types the pod's other namespaces (USER is added)
	 */
	PinnedNamespaces pinInUserNamespace(String podId, Set<NamespaceType> types, String hostname, IdMapping uids,
			IdMapping gids) throws IOException;

	/** Unmounts and removes the pins; succeeds when they are already gone. */
	void unpin(PinnedNamespaces pinned) throws IOException;

	/** The namespaces still pinned for the pod (e.g. after a runtime restart), or empty if none. */
	Optional<PinnedNamespaces> find(String podId);

	/**
	 * Pod ids with anything left under the pin directories, live pins or leftovers, so that boot
	 * reconciliation can unpin the ones no pod owns any more.
	 */
	Set<String> pinnedPodIds() throws IOException;

}
