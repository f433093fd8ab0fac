package io.rocketcri.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.databind.node.ObjectNode;

/**
 * Runs whole pods for one runtime handler (RuntimeClass → {@code runtime_handler}). The default
 * engine pins namespaces and runs containers through conmon + runc; another engine (rkt) can run
 * the same calls its own way. The CRI services and the stores never know which engine a pod uses.
 *
 * <p>Lifecycle: {@code runPod} → ({@code createContainer} → {@code startContainer} →
 * {@code stopContainer} → {@code removeContainer})* → {@code stopPod} → {@code removePod}.
 * Stop and remove calls are idempotent: a pod or container already gone is success.
 */
public interface PodEngine {

	/** The runtime handler name kubelet uses for this engine. */
	String handler();

	/**
	 * Whether this engine can run pods on this node now (its tools are there): Status lists only
	 * the handlers that can. An engine that cannot refuses runPod with FailedPrecondition naming
	 * what is missing.
	 */
	default boolean available() {
		return true;
	}

	PodResources runPod(PodPlan plan) throws IOException;

	/** The resources of a pod this engine ran, rebuilt from what the store kept (after a restart too). */
	PodResources describePod(String podId, Path netns, Path ipcns, Path utsns, String infraId, Integer infraPid);

	/** Stops the pod's own processes (the infra process); containers are stopped by the caller first. */
	void stopPod(String podId, PodResources resources) throws IOException;

	/** Releases what runPod set up: namespace pins, pod files, /dev/shm. */
	void removePod(String podId, PodResources resources) throws IOException;

	/**
	 * Mounts the container's root file system: the image layers read-only under a fresh writable
	 * layer. Comes before the spec is built, which reads users and groups from it.
	 * @param lowerDirs image layer snapshots, bottom layer first
	 */
	default ContainerPaths prepareRootfs(String id, List<Path> lowerDirs) throws IOException {
		return prepareRootfs(id, lowerDirs, null);
	}

	/** {@link #prepareRootfs(String, List)} for a container in a user namespace (null: none). */
	ContainerPaths prepareRootfs(String id, List<Path> lowerDirs, IdMappedRoot idMapped) throws IOException;

	/** Creates the container from its prepared root file system (runc create); it is then CREATED. */
	CreatedContainer createContainer(ContainerPlan plan) throws IOException;

	void startContainer(String id) throws IOException;

	/** Sends the stop signal, waits up to {@code timeout}, then SIGKILL; returns once it has exited. */
	ExitInfo stopContainer(String id, int stopSignal, Duration timeout) throws IOException;

	/** Deletes the container from the OCI runtime and unmounts and removes its root file system. */
	void removeContainer(String id) throws IOException;

	/** The exit of a container that has exited, if it has. */
	Optional<ExitInfo> exitInfo(String id);

	/**
	 * The exit of a running container whose monitor died without recording one, when its process
	 * is gone too (reported as exit code 255); empty otherwise. For the periodic exit check only.
	 */
	Optional<ExitInfo> lostMonitorExit(String id);

	/**
	 * Ids of this engine's containers that have an exit status now, in one directory read; null
	 * when it cannot tell cheaply (then ask {@link #exitInfo} per container).
	 */
	default java.util.Set<String> idsWithExitStatus() {
		return null;
	}

	/** Whether the OCI runtime knows the container and its process still runs. */
	boolean isRunning(String id);

	ExecOutput execSync(String id, List<String> command, Duration timeout) throws IOException;

	/**
	 * Starts {@code command} in the running container {@code id} for a streaming client (CRI
	 * Exec). The caller must {@link StreamingProcess#start} and finally close it.
	 */
	StreamingProcess exec(String id, List<String> command, boolean tty, boolean stdin) throws IOException;

	/** Connects to the stdio of the running container {@code id} (CRI Attach); closing detaches. */
	StreamingProcess attach(String id, boolean stdin) throws IOException;

	/**
	 * A blocking TCP connection to {@code localhost:port} inside the pod's network namespace (CRI
	 * PortForward); on the host's loopback for a host-network pod.
	 */
	java.nio.channels.SocketChannel dialPort(String podId, PodResources resources, int port) throws IOException;

	void updateResources(String id, ObjectNode linuxResources) throws IOException;

	void reopenLog(String id) throws IOException;

	/**
	 * At boot, after the stores are loaded: removes what a crash left on the host for pods and
	 * containers the store does not know (namespace pins, pod files, bundles, writable layers).
	 */
	void removeLeftovers(java.util.Set<String> knownPodIds, java.util.Set<String> knownContainerIds);

	/** CPU, memory and writable-layer usage of a container, empty when it has no cgroup (not running). */
	Optional<ContainerUsage> usage(String id);

	/**
	 * Usage of the pod as a whole. {@code podCgroup} is the pod's cgroup ({@code cgroupParent},
	 * which holds its containers' cgroups) when the pod has one of its own; without a cgroup
	 * parent, pods share the runtime's default parent and the caller adds up {@code infra} (the
	 * pod's own process, if any) and the containers' usage instead.
	 */
	PodUsage podUsage(String podId, String cgroupParent, PodResources resources);

	/**
	 * Mounts an image's layers read-only for a container's image volume (CRI Mount.image) and
	 * returns the path to bind into the container; {@link #removeContainer} unmounts it.
	 * @param index the volume's position among the container's mounts (names its mount point)
	 * @param lowerDirs the image's layer snapshots, bottom first
	 * @param subPath a relative path inside the image to bind instead of its root; empty for the root
	 * @throws java.nio.file.NoSuchFileException when the sub path is not in the image
	 */
	Path mountImageVolume(String id, int index, List<Path> lowerDirs, String subPath, IdMappedRoot idMapped)
			throws IOException;

	/** Directory of a container's bundle and root file system mount point. */
	ContainerPaths paths(String id);

	/**
	 * The user the container's process runs as, from its bundle (uid, gid and every group, as
	 * the OCI spec says); empty when the bundle is gone or unreadable.
	 */
	Optional<ProcessUser> processUser(String id);

	/** @param userns the pod's own user namespace, null when it uses the host's ids */
	record PodPlan(String podId, String hostname, boolean privateNetwork, boolean privateIpc, boolean sharedPid,
			Map<String, String> sysctls, String cgroupParent, List<String> dnsServers, List<String> dnsSearches,
			List<String> dnsOptions, UserNamespacePlan userns) {
	}

	/** A pod user namespace's one uid and one gid mapping (kubelet sends exactly one of each). */
	record UserNamespacePlan(io.rocketcri.engine.ns.IdMapping uids, io.rocketcri.engine.ns.IdMapping gids) {
	}

	/**
	 * @param netns pinned network namespace, null for host network (likewise ipcns, utsns, userns)
	 * @param shmDir the pod's /dev/shm, shared by its containers; null means the host's
	 */
	record PodResources(Path netns, Path ipcns, Path utsns, Path resolvConf, Path hostsFile, Path hostnameFile,
			Path shmDir, String infraId, Integer infraPid, Path userns) {
	}

	/**
	 * A container root file system seen through a user namespace: its layers id-mapped so that
	 * files owned by 0 on the host are owned by 0 inside, its writable layer owned by the
	 * namespace's root on the host.
	 * @param userns the pinned user namespace file
	 * @param rootUid the host uid the namespace's root maps to (likewise rootGid)
	 */
	record IdMappedRoot(Path userns, long rootUid, long rootGid) {
	}

	/**
	 * @param spec the OCI runtime spec, root.path pointing at the prepared root file system
	 * @param imageSources where an engine that fetches images itself (rkt) finds the same image:
	 * {@code host/repository@digest} references, to be tried in order (mirrors first)
	 */
	record ContainerPlan(String id, String podId, ObjectNode spec, Path logPath, boolean tty,
			boolean stdin, boolean stdinOnce, List<String> imageSources) {

		public ContainerPlan {
			imageSources = imageSources == null ? List.of() : List.copyOf(imageSources);
		}
	}

	record ContainerPaths(Path bundle, Path rootfs) {
	}

	/** @param additionalGids the process's groups beyond gid (OCI {@code process.user.additionalGids}) */
	record ProcessUser(long uid, long gid, List<Long> additionalGids) {

		public ProcessUser {
			additionalGids = List.copyOf(additionalGids);
		}
	}

	record CreatedContainer(int pid) {
	}

	/** @param finishedAt nanoseconds since the epoch */
	record ExitInfo(int exitCode, long finishedAt, boolean oomKilled) {
	}

	/** @param writableBytes bytes in the container's writable layer (likewise inodes) */
	record ContainerUsage(CgroupReader.CgroupUsage cgroup, long writableBytes, long writableInodes,
			Path writableLayer) {
	}

	/**
	 * @param podCgroup the pod's own cgroup, empty when it has none (or it is gone)
	 * @param infra the infra process's cgroup, empty when the pod has no infra process
	 * @param interfaces the pod's network interfaces but loopback; empty for host network
	 */
	record PodUsage(Optional<CgroupReader.CgroupUsage> podCgroup, Optional<CgroupReader.CgroupUsage> infra,
			List<NetworkCounters.InterfaceUsage> interfaces) {
	}

	record ExecOutput(int exitCode, byte[] stdout, byte[] stderr, boolean timedOut) {
	}

}
