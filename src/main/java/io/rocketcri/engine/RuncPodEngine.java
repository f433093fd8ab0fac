package io.rocketcri.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.rocketcri.config.Json;
import io.rocketcri.engine.ns.NamespacePinner;
import io.rocketcri.engine.ns.NamespaceType;
import io.rocketcri.engine.ns.PinnedNamespaces;
import io.rocketcri.engine.ns.PodSysctls;
import io.rocketcri.engine.oci.CreateRequest;
import io.rocketcri.engine.oci.ExecRequest;
import io.rocketcri.engine.oci.ExecResult;
import io.rocketcri.engine.oci.ExitStatus;
import io.rocketcri.engine.oci.OciException;
import io.rocketcri.engine.oci.OciRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The default engine: namespaces pinned by a helper process (no pause image), an infra process
 * (catatonit) only for pods that share a PID namespace, each container under its own conmon with
 * runc, root file systems as overlayfs over the image's layer snapshots.
 *
 * <p>Where things live: pod files (resolv.conf, hostname, hosts, /dev/shm) under
 * {@code <state>/pods/<pod>}, bundles (config.json) under {@code <state>/bundles/<id>}, writable
 * layers under {@code <root>/containers/<id>} (upper, work, rootfs mount point).
 */
public final class RuncPodEngine implements PodEngine {

	private static final Logger log = LoggerFactory.getLogger(RuncPodEngine.class);

	private static final long SHM_BYTES = 64L << 20;

	private final String handler;

	private final Path stateRoot;

	private final Path dataRoot;

	private final NamespacePinner pinner;

	private final PodSysctls sysctls;

	private final OciRuntime oci;

	private final HostOs host;

	private final Path catatonit;

	private final RecursiveReadOnlyMounts recursiveReadOnly;

	private final CgroupReader cgroups;

	private final NetworkCounters network;

	/** Container id → cgroupsPath from its bundle; read once, dropped on remove. */
	private final java.util.concurrent.ConcurrentHashMap<String, String> cgroupPaths = new java.util.concurrent.ConcurrentHashMap<>();

	public RuncPodEngine(String handler, Path stateRoot, Path dataRoot, NamespacePinner pinner, PodSysctls sysctls,
			OciRuntime oci, HostOs host, Path catatonit, CgroupReader cgroups, NetworkCounters network) {
		this.cgroups = cgroups;
		this.network = network;
		this.handler = handler;
		this.stateRoot = stateRoot;
		this.dataRoot = dataRoot;
		this.pinner = pinner;
		this.sysctls = sysctls;
		this.oci = oci;
		this.host = host;
		this.catatonit = catatonit;
		this.recursiveReadOnly = new RecursiveReadOnlyMounts(host, stateRoot);
	}

	@Override
	public String handler() {
		return handler;
	}

	@Override
	public PodResources runPod(PodPlan plan) throws IOException {
		Path podDir = podDir(plan.podId());
		Files.createDirectories(podDir);
		boolean done = false;
		PinnedNamespaces pinned = null;
		try {
			Set<NamespaceType> types = EnumSet.noneOf(NamespaceType.class);
			if (plan.privateNetwork()) {
				types.add(NamespaceType.NET);
				types.add(NamespaceType.UTS);
			}
			if (plan.privateIpc()) {
				types.add(NamespaceType.IPC);
			}
			if (plan.userns() != null) {
				pinned = pinner.pinInUserNamespace(plan.podId(), types, plan.hostname(), plan.userns().uids(),
						plan.userns().gids());
				if (!plan.sysctls().isEmpty()) {
					sysctls.applySysctls(pinned, plan.sysctls());
				}
			}
			else if (!types.isEmpty()) {
				pinned = pinner.pin(plan.podId(), types, plan.hostname());
				if (!plan.sysctls().isEmpty()) {
					sysctls.applySysctls(pinned, plan.sysctls());
				}
			}
			writePodFiles(podDir, plan);
			Path shm = null;
			if (plan.privateIpc()) {
				shm = podDir.resolve("shm");
				Files.createDirectories(shm);
				host.mount("shm", shm, "tmpfs", HostOs.MS_NOSUID | HostOs.MS_NODEV | NOEXEC, "mode=1777,size=" + SHM_BYTES);
			}
			String infraId = null;
			Integer infraPid = null;
			if (plan.sharedPid()) {
				infraId = plan.podId();
				infraPid = startInfra(plan, pinned);
			}
			done = true;
			return resources(plan.podId(), pinned, shm, infraId, infraPid);
		}
		finally {
			if (!done) {
				try {
					removePod(plan.podId(), resources(plan.podId(), pinned, null, null, null));
				}
				catch (IOException ex) {
					log.warn("cleaning up after a failed pod start {}: {}", plan.podId(), ex.getMessage());
				}
			}
		}
	}

	/** MS_NOEXEC: not among HostOs's constants. */
	private static final long NOEXEC = 8;

	@Override
	public PodResources describePod(String podId, Path netns, Path ipcns, Path utsns, String infraId, Integer infraPid) {
		Path shm = podDir(podId).resolve("shm");
		// the user namespace is not a column of the pod's row: ask the pins (only pods with one have it)
		Path userns = pinner.find(podId).flatMap(p -> p.path(NamespaceType.USER)).orElse(null);
		return new PodResources(netns, ipcns, utsns, podDir(podId).resolve("resolv.conf"),
				podDir(podId).resolve("hosts"), podDir(podId).resolve("hostname"),
				ipcns != null && Files.isDirectory(shm) ? shm : null, infraId, infraPid, userns);
	}

	private PodResources resources(String podId, PinnedNamespaces pinned, Path shm, String infraId, Integer infraPid) {
		Path podDir = podDir(podId);
		return new PodResources(pinned == null ? null : pinned.path(NamespaceType.NET).orElse(null),
				pinned == null ? null : pinned.path(NamespaceType.IPC).orElse(null),
				pinned == null ? null : pinned.path(NamespaceType.UTS).orElse(null), podDir.resolve("resolv.conf"),
				podDir.resolve("hosts"), podDir.resolve("hostname"), shm, infraId, infraPid,
				pinned == null ? null : pinned.path(NamespaceType.USER).orElse(null));
	}

	@Override
	public void stopPod(String podId, PodResources resources) throws IOException {
		if (resources.infraId() != null) {
			stopAndDelete(resources.infraId());
			removeBundle(resources.infraId());
		}
	}

	@Override
	public void removePod(String podId, PodResources resources) throws IOException {
		if (resources.infraId() == null && Files.isDirectory(bundleDir(podId))) {
			// a pod caught by a crash between starting its infra process and recording it
			resources = new PodResources(resources.netns(), resources.ipcns(), resources.utsns(), resources.resolvConf(),
					resources.hostsFile(), resources.hostnameFile(), resources.shmDir(), podId, null, resources.userns());
		}
		stopPod(podId, resources);
		Path shm = podDir(podId).resolve("shm");
		if (Files.isDirectory(shm) && isMountPoint(shm)) {
			host.unmount(shm, HostOs.MNT_DETACH);
		}
		Optional<PinnedNamespaces> pinned = pinner.find(podId);
		if (pinned.isPresent()) {
			pinner.unpin(pinned.get());
		}
		deleteTree(podDir(podId));
		if (resources.infraId() != null) {
			cgroupPaths.remove(resources.infraId());
		}
	}

	@Override
	public ContainerPaths prepareRootfs(String id, List<Path> lowerDirs, IdMappedRoot idMapped) throws IOException {
		Path dir = containerDir(id);
		Path upper = dir.resolve("upper");
		Path work = dir.resolve("work");
		Path rootfs = dir.resolve("rootfs");
		Files.createDirectories(upper);
		Files.createDirectories(work);
		Files.createDirectories(rootfs);
		List<Path> layers = lowerDirs;
		if (idMapped != null) {
			// the merged root takes its owner from the upper dir: make it the namespace's root
			Files.setAttribute(upper, "unix:uid", (int) idMapped.rootUid());
			Files.setAttribute(upper, "unix:gid", (int) idMapped.rootGid());
			layers = idMappedLayers(dir.resolve("idmapped"), lowerDirs, idMapped);
		}
		List<String> lowers = new ArrayList<>();
		for (Path lower : layers) {
			lowers.add(lower.toString());
		}
		Collections.reverse(lowers); // overlayfs wants the top layer first
		if (lowers.isEmpty()) {
			// an image with no layers still needs a lower dir
			Path empty = dir.resolve("empty");
			Files.createDirectories(empty);
			lowers.add(empty.toString());
		}
		String options = "lowerdir=" + String.join(":", lowers) + ",upperdir=" + upper + ",workdir=" + work;
		if (options.length() > 4000) {
			throw new IOException("mounting the root file system of container " + id + ": " + lowerDirs.size()
					+ " layers make overlay options longer than a page");
		}
		try {
			host.mount("overlay", rootfs, "overlay", 0, options);
		}
		finally {
			if (idMapped != null) {
				// overlayfs keeps private clones of its layers: the staging mounts can go now
				releaseIdMappedLayers(dir.resolve("idmapped"));
			}
		}
		return new ContainerPaths(bundleDir(id), rootfs);
	}

	/** An id-mapped clone of each layer under {@code staging}, bottom first like the input. */
	private List<Path> idMappedLayers(Path staging, List<Path> lowerDirs, IdMappedRoot idMapped) throws IOException {
		List<Path> mapped = new ArrayList<>();
		Files.createDirectories(staging);
		try {
			for (int i = 0; i < lowerDirs.size(); i++) {
				Path point = Files.createDirectories(staging.resolve(Integer.toString(i)));
				host.idMappedBind(lowerDirs.get(i), point, idMapped.userns());
				mapped.add(point);
			}
			return mapped;
		}
		catch (IOException | RuntimeException ex) {
			releaseIdMappedLayers(staging);
			throw ex;
		}
	}

	private void releaseIdMappedLayers(Path staging) throws IOException {
		for (String name : children(staging)) {
			Path point = staging.resolve(name);
			if (isMountPoint(point)) {
				host.unmount(point, HostOs.MNT_DETACH);
			}
			Files.deleteIfExists(point);
		}
		Files.deleteIfExists(staging);
	}

	@Override
	public Path mountImageVolume(String id, int index, List<Path> lowerDirs, String subPath, IdMappedRoot idMapped)
			throws IOException {
		Path target = containerDir(id).resolve("volumes").resolve(Integer.toString(index));
		Files.createDirectories(target);
		Path staging = containerDir(id).resolve("idmapped-volume-" + index);
		if (idMapped != null) {
			lowerDirs = idMappedLayers(staging, lowerDirs, idMapped);
		}
		try {
			mountVolumeLayers(id, index, lowerDirs, target);
		}
		finally {
			if (idMapped != null) {
				releaseIdMappedLayers(staging);
			}
		}
		if (subPath.isEmpty()) {
			return target;
		}
		// resolve symlinks inside the mounted image: a link may not lead out of it
		Path source = target.resolve(subPath).normalize();
		if (!source.startsWith(target) || !Files.exists(source)
				|| !source.toRealPath().startsWith(target.toRealPath())) {
			throw new NoSuchFileException(subPath, null, "not inside image volume " + index + " of container " + id);
		}
		return source;
	}

	private void mountVolumeLayers(String id, int index, List<Path> lowerDirs, Path target) throws IOException {
		if (lowerDirs.size() >= 2) {
			// overlayfs without an upper dir is read-only by construction; it wants the top layer first
			List<String> lowers = new ArrayList<>(lowerDirs.stream().map(Path::toString).toList());
			Collections.reverse(lowers);
			String options = "lowerdir=" + String.join(":", lowers);
			if (options.length() > 4000) {
				throw new IOException("mounting image volume " + index + " of container " + id + ": " + lowerDirs.size()
						+ " layers make overlay options longer than a page");
			}
			host.mount("overlay", target, "overlay", HostOs.MS_RDONLY, options);
		}
		else {
			// overlayfs needs two lower dirs when it has no upper: bind the one layer (or an empty dir)
			Path source = lowerDirs.isEmpty() ? Files.createDirectories(containerDir(id).resolve("volumes-empty"))
					: lowerDirs.getFirst();
			host.mount(source.toString(), target, null, HostOs.MS_BIND, null);
			host.mount(null, target, null, HostOs.MS_BIND | HostOs.MS_REMOUNT | HostOs.MS_RDONLY, null);
		}
	}

	/** Unmounts a container's image volumes and removes their mount points, never walking into one. */
	private void unmountImageVolumes(Path containerDir) throws IOException {
		Path volumes = containerDir.resolve("volumes");
		for (String name : children(volumes)) {
			Path point = volumes.resolve(name);
			if (isMountPoint(point)) {
				host.unmount(point, HostOs.MNT_DETACH);
			}
			Files.deleteIfExists(point);
		}
		Files.deleteIfExists(volumes);
		Files.deleteIfExists(containerDir.resolve("volumes-empty"));
	}

	@Override
	public CreatedContainer createContainer(ContainerPlan plan) throws IOException {
		Path bundle = bundleDir(plan.id());
		Files.createDirectories(bundle);
		ObjectNode spec = plan.spec();
		if (RecursiveReadOnlyMounts.wanted(spec)) {
			spec = spec.deepCopy();
			recursiveReadOnly.stage(plan.id(), spec);
		}
		try {
			writeAtomically(bundle.resolve("config.json"),
					Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(spec));
			if (plan.logPath() != null) {
				Files.createDirectories(plan.logPath().getParent());
			}
			var container = oci.create(new CreateRequest(plan.id(), bundle, plan.logPath(), plan.tty(), plan.stdin(),
					plan.stdinOnce(), "runc"));
			return new CreatedContainer(container.pid());
		}
		catch (OciException ex) {
			if (ex.reason() == OciException.Reason.FAILED && refusedByTheContainer(ex.getMessage())) {
				throw new ContainerRefusedException(ex.getMessage(), ex);
			}
			throw ex;
		}
		finally {
			// Once runc has created the container, its mount namespace holds its own copies: the
			// staging points go at once, so that they never keep a submount of the source busy on
			// the host (an operator's umount or rmdir there would fail with EBUSY).
			recursiveReadOnly.release(plan.id());
		}
	}

	/**
	 * runc's words when the process it is about to exec cannot start for reasons of the
	 * container's own making (checked before runc reports the container created).
	 */
	private static boolean refusedByTheContainer(String message) {
		String m = String.valueOf(message);
		return m.contains("unable to start container process") && (m.contains("no such file or directory")
				|| m.contains("permission denied") || m.contains("executable file not found")
				|| m.contains("not a directory"));
	}

	@Override
	public void startContainer(String id) throws IOException {
		oci.start(id);
	}

	@Override
	public ExitInfo stopContainer(String id, int stopSignal, Duration timeout) throws IOException {
		Optional<ExitInfo> already = exitInfo(id);
		if (already.isPresent()) {
			return already.get();
		}
		try {
			if (!timeout.isZero() && !timeout.isNegative()) {
				signal(id, stopSignal);
				try {
					return toExit(oci.awaitExit(id, timeout));
				}
				catch (TimeoutException ex) {
					log.info("container {} did not stop within {}s after signal {}; killing it", id, timeout.toSeconds(),
							stopSignal);
				}
			}
			signal(id, 9);
			return toExit(oci.awaitExit(id, Duration.ofSeconds(30)));
		}
		catch (TimeoutException ex) {
			throw new IOException("container " + id + " did not exit 30s after SIGKILL", ex);
		}
	}

	private void signal(String id, int signal) throws IOException {
		try {
			oci.kill(id, signal, false);
		}
		catch (OciException ex) {
			// the process exited between our check and the signal; its exit file will say how
			if (!ex.notFound() && !String.valueOf(ex.getMessage()).contains("not running")
					&& !String.valueOf(ex.getMessage()).contains("process already finished")) {
				throw ex;
			}
		}
	}

	@Override
	public void removeContainer(String id) throws IOException {
		try {
			oci.delete(id, true);
		}
		catch (OciException ex) {
			if (!ex.notFound()) {
				throw ex;
			}
		}
		Path dir = containerDir(id);
		Path rootfs = dir.resolve("rootfs");
		if (Files.isDirectory(rootfs) && isMountPoint(rootfs)) {
			host.unmount(rootfs, HostOs.MNT_DETACH);
		}
		unmountImageVolumes(dir);
		for (String name : children(dir)) {
			if (name.startsWith("idmapped")) {
				releaseIdMappedLayers(dir.resolve(name)); // a crash between the layers' mounts and the overlay's
			}
		}
		// Never walk the mount point: if the overlay were still mounted, a recursive delete would
		// reach into the image layers. rmdir fails on a non-empty directory, which is what we want.
		deleteTree(dir.resolve("upper"));
		deleteTree(dir.resolve("work"));
		deleteTree(dir.resolve("empty"));
		Files.deleteIfExists(rootfs);
		Files.deleteIfExists(dir);
		recursiveReadOnly.release(id);
		removeBundle(id);
		cgroupPaths.remove(id);
	}

	@Override
	public Optional<ExitInfo> exitInfo(String id) {
		return oci.exitStatus(id).map(RuncPodEngine::toExit);
	}

	@Override
	public Set<String> idsWithExitStatus() {
		return oci.idsWithExitStatus();
	}

	@Override
	public Optional<ExitInfo> lostMonitorExit(String id) {
		return oci.lostMonitorExit(id).map(RuncPodEngine::toExit);
	}

	@Override
	public boolean isRunning(String id) {
		try {
			return "running".equals(oci.state(id).status());
		}
		catch (OciException ex) {
			return false;
		}
	}

	@Override
	public ExecOutput execSync(String id, List<String> command, Duration timeout) throws IOException {
		ExecResult r = oci.execSync(id, new ExecRequest(command, timeout == null ? Duration.ZERO : timeout, false));
		return new ExecOutput(r.exitCode(), r.stdout(), r.stderr(), r.timedOut());
	}

	@Override
	public StreamingProcess exec(String id, List<String> command, boolean tty, boolean stdin) throws IOException {
		return oci.exec(id, command, tty, stdin);
	}

	@Override
	public StreamingProcess attach(String id, boolean stdin) throws IOException {
		return oci.attach(id, stdin);
	}

	@Override
	public java.nio.channels.SocketChannel dialPort(String podId, PodResources resources, int port)
			throws IOException {
		return io.rocketcri.engine.stdio.NetnsDialer.dial(resources.netns(), port);
	}

	@Override
	public void updateResources(String id, ObjectNode linuxResources) throws IOException {
		oci.updateResources(id, Json.MAPPER.writeValueAsString(linuxResources));
	}

	@Override
	public void reopenLog(String id) throws IOException {
		oci.reopenLog(id);
	}

	@Override
	public Optional<ContainerUsage> usage(String id) {
		String cgroupsPath = cgroupPaths.computeIfAbsent(id, this::cgroupsPathOf);
		if (cgroupsPath == null || cgroupsPath.isEmpty()) {
			return Optional.empty();
		}
		return cgroups.read(cgroupsPath).map(cgroup -> {
			Path upper = containerDir(id).resolve("upper");
			long[] usage = { 0, 0 };
			try (var walk = Files.walk(upper)) {
				walk.forEach(p -> {
					usage[1]++;
					if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
						try {
							usage[0] += Files.size(p);
						}
						catch (IOException ex) {
							// removed while we walked
						}
					}
				});
			}
			catch (IOException | java.io.UncheckedIOException ex) {
				// the layer is going away with its container
			}
			return new ContainerUsage(cgroup, usage[0], usage[1], upper);
		});
	}

	@Override
	public PodUsage podUsage(String podId, String cgroupParent, PodResources resources) {
		Optional<CgroupReader.CgroupUsage> own = cgroupParent == null || cgroupParent.isBlank() ? Optional.empty()
				: cgroups.read(cgroupParent);
		Optional<CgroupReader.CgroupUsage> infra = Optional.empty();
		if (resources.infraId() != null) {
			String infraPath = cgroupPaths.computeIfAbsent(resources.infraId(), this::cgroupsPathOf);
			infra = infraPath == null || infraPath.isEmpty() ? Optional.empty() : cgroups.read(infraPath);
		}
		List<NetworkCounters.InterfaceUsage> interfaces = resources.netns() == null || !Files.exists(resources.netns())
				? List.of() : network.read(resources.netns());
		return new PodUsage(own, infra, interfaces);
	}

	/** The cgroup path runc was given, from the bundle; empty string when there is none. */
	private String cgroupsPathOf(String id) {
		try {
			return Json.read(bundleDir(id).resolve("config.json")).path("linux").path("cgroupsPath").asString("");
		}
		catch (IOException ex) {
			return null;
		}
	}

	@Override
	public Optional<ProcessUser> processUser(String id) {
		try {
			JsonNode user = Json.read(bundleDir(id).resolve("config.json")).path("process").path("user");
			if (!user.has("uid")) {
				return Optional.empty();
			}
			List<Long> groups = new ArrayList<>();
			user.path("additionalGids").forEach(g -> groups.add(g.asLong()));
			return Optional.of(new ProcessUser(user.path("uid").asLong(), user.path("gid").asLong(), groups));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	@Override
	public ContainerPaths paths(String id) {
		return new ContainerPaths(bundleDir(id), containerDir(id).resolve("rootfs"));
	}

	/**
	 * Each leftover on its own: one that cannot be removed (its conmon died with the runtime, a
	 * busy mount) is logged and the others still go.
	 */
	@Override
	public void removeLeftovers(Set<String> knownPodIds, Set<String> knownContainerIds) {
		recursiveReadOnly.releaseUnknown(knownContainerIds);
		oci.releaseOrphanLaunches();
		Set<String> known = new java.util.HashSet<>(knownContainerIds);
		known.addAll(knownPodIds); // infra containers carry their pod's id
		for (String podId : listQuietly(pinner::pinnedPodIds, "pinned namespaces")) {
			if (!knownPodIds.contains(podId)) {
				Leftovers.remove("namespace pins of unknown pod " + podId, () -> {
					Optional<PinnedNamespaces> pinned = pinner.find(podId);
					if (pinned.isPresent()) {
						pinner.unpin(pinned.get());
					}
				});
			}
		}
		for (String id : listQuietly(() -> children(stateRoot.resolve("bundles")), "bundles")) {
			if (!known.contains(id)) {
				Leftovers.remove("bundle of unknown container " + id, () -> {
					stopAndDelete(id);
					removeBundle(id);
				});
			}
		}
		for (String id : listQuietly(() -> children(dataRoot.resolve("containers")), "container layers")) {
			if (!knownContainerIds.contains(id)) {
				Leftovers.remove("writable layer of unknown container " + id, () -> removeContainer(id));
			}
		}
		// conmon's persist directories and exit files (StateLayout) of ids nobody knows: what a
		// removal cut off after the bundle went
		Set<String> ociLeftovers = new java.util.TreeSet<>();
		ociLeftovers.addAll(listQuietly(() -> children(stateRoot.resolve("containers")), "conmon persist directories"));
		ociLeftovers.addAll(listQuietly(() -> children(stateRoot.resolve("exits")), "exit files"));
		for (String id : ociLeftovers) {
			if (!known.contains(id)) {
				Leftovers.remove("runtime state of unknown container " + id, () -> stopAndDelete(id));
			}
		}
		for (String podId : listQuietly(() -> children(stateRoot.resolve("pods")), "pod directories")) {
			if (!knownPodIds.contains(podId)) {
				Leftovers.remove("files of unknown pod " + podId,
						() -> removePod(podId, describePod(podId, null, null, null, null, null)));
			}
		}
	}

	private interface Listing {

		java.util.Collection<String> list() throws IOException;

	}

	private static List<String> listQuietly(Listing listing, String what) {
		try {
			return List.copyOf(listing.list());
		}
		catch (IOException ex) {
			log.warn("listing {} left by an earlier run: {}", what, ex.getMessage());
			return List.of();
		}
	}

	private static List<String> children(Path dir) throws IOException {
		if (!Files.isDirectory(dir)) {
			return List.of();
		}
		try (var list = Files.list(dir)) {
			return list.map(p -> p.getFileName().toString()).toList();
		}
	}

	private int startInfra(PodPlan plan, PinnedNamespaces pinned) throws IOException {
		String id = plan.podId();
		Path bundle = bundleDir(id);
		Path rootfs = bundle.resolve("rootfs");
		Files.createDirectories(rootfs.resolve("dev"));
		Files.createDirectories(rootfs.resolve("proc"));
		Files.copy(catatonit, rootfs.resolve("catatonit"), StandardCopyOption.REPLACE_EXISTING,
				StandardCopyOption.COPY_ATTRIBUTES);
		ObjectNode spec = InfraSpec.build(rootfs, plan, pinned);
		writeAtomically(bundle.resolve("config.json"), Json.MAPPER.writeValueAsBytes(spec));
		var created = oci.create(new CreateRequest(id, bundle, null, false, false, false, "runc"));
		oci.start(id);
		return created.pid();
	}

	private void stopAndDelete(String id) throws IOException {
		try {
			if (oci.exitStatus(id).isEmpty()) {
				signal(id, 9);
				try {
					oci.awaitExit(id, Duration.ofSeconds(10));
				}
				catch (TimeoutException ex) {
					throw new IOException("infra process " + id + " did not exit after SIGKILL", ex);
				}
			}
		}
		catch (OciException ex) {
			// not found: nothing to stop; otherwise its conmon is gone (it died with an earlier run
			// of rocket-cri while the container was being created) and nobody will write an exit
			// file: runc delete --force below kills and removes it all the same
			if (!ex.notFound()) {
				log.info("stopping {}: {}; deleting it by force", id, ex.getMessage());
			}
		}
		try {
			oci.delete(id, true);
		}
		catch (OciException ex) {
			if (!ex.notFound()) {
				throw ex;
			}
		}
	}

	private void writePodFiles(Path podDir, PodPlan plan) throws IOException {
		StringBuilder resolv = new StringBuilder();
		if (plan.dnsServers().isEmpty() && plan.dnsSearches().isEmpty() && plan.dnsOptions().isEmpty()) {
			Path hostResolv = Path.of("/etc/resolv.conf");
			if (Files.isReadable(hostResolv)) {
				resolv.append(Files.readString(hostResolv));
			}
		}
		else {
			if (!plan.dnsSearches().isEmpty()) {
				resolv.append("search ").append(String.join(" ", plan.dnsSearches())).append('\n');
			}
			for (String server : plan.dnsServers()) {
				resolv.append("nameserver ").append(server).append('\n');
			}
			if (!plan.dnsOptions().isEmpty()) {
				resolv.append("options ").append(String.join(" ", plan.dnsOptions())).append('\n');
			}
		}
		writeAtomically(podDir.resolve("resolv.conf"), resolv.toString().getBytes(StandardCharsets.UTF_8));
		String hostname = plan.privateNetwork() ? plan.hostname() : hostHostname();
		writeAtomically(podDir.resolve("hostname"), (hostname + "\n").getBytes(StandardCharsets.UTF_8));
		String hosts = plan.privateNetwork() ? """
				127.0.0.1	localhost
				::1	localhost ip6-localhost ip6-loopback
				fe00::0	ip6-localnet
				ff00::0	ip6-mcastprefix
				ff02::1	ip6-allnodes
				ff02::2	ip6-allrouters
				""" : Files.isReadable(Path.of("/etc/hosts")) ? Files.readString(Path.of("/etc/hosts")) : "127.0.0.1	localhost\n";
		writeAtomically(podDir.resolve("hosts"), hosts.getBytes(StandardCharsets.UTF_8));
	}

	private static String hostHostname() {
		try {
			return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
		}
		catch (IOException ex) {
			return "localhost";
		}
	}

	private static ExitInfo toExit(ExitStatus status) {
		long nanos = status.finishedAt().getEpochSecond() * 1_000_000_000L + status.finishedAt().getNano();
		return new ExitInfo(status.exitCode(), nanos, status.oomKilled());
	}

	private Path podDir(String podId) {
		return stateRoot.resolve("pods").resolve(podId);
	}

	private Path bundleDir(String id) {
		return stateRoot.resolve("bundles").resolve(id);
	}

	private Path containerDir(String id) {
		return dataRoot.resolve("containers").resolve(id);
	}

	private void removeBundle(String id) throws IOException {
		deleteTree(bundleDir(id));
	}

	private static boolean isMountPoint(Path dir) throws IOException {
		// Another device than its parent's is a mount (overlay, tmpfs: 2 stats, not a parse of
		// mountinfo, 2 ms with a few hundred mounts); the same device may still be a bind mount.
		Path parent = dir.toAbsolutePath().normalize().getParent();
		if (parent != null && !Files.isSymbolicLink(dir)
				&& !Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS)
					.equals(Files.getAttribute(parent, "unix:dev"))) {
			return true;
		}
		String target = dir.toAbsolutePath().normalize().toString();
		for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
			String[] fields = line.split(" ");
			if (fields.length > 4 && fields[4].replace("\\040", " ").equals(target)) {
				return true;
			}
		}
		return false;
	}

	static void writeAtomically(Path file, byte[] content) throws IOException {
		Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
		Files.write(tmp, content);
		Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	/** Deletes a directory tree without following symbolic links (a container may have planted some). */
	static void deleteTree(Path dir) throws IOException {
		if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		try (var walk = Files.walk(dir)) {
			List<Path> paths = walk.sorted(java.util.Comparator.reverseOrder()).toList();
			for (Path p : paths) {
				try {
					Files.delete(p);
				}
				catch (NoSuchFileException ex) {
					// gone already
				}
			}
		}
	}

	static ArrayNode array(String... values) {
		ArrayNode a = Json.MAPPER.createArrayNode();
		for (String v : values) {
			a.add(v);
		}
		return a;
	}

}
