package io.rocketcri.container;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import io.rocketcri.container.spec.ImageSettings;
import io.rocketcri.container.spec.OciSpecGenerator;
import io.rocketcri.container.spec.SpecInput;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.LinuxContainerResources;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.engine.PodEngine;
import io.rocketcri.failure.FailedPrecondition;
import io.rocketcri.failure.Failures;
import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.failure.NotFound;
import io.rocketcri.failure.RuntimeFailure;
import io.rocketcri.events.EventBus;
import io.rocketcri.image.ImageConfig;
import io.rocketcri.image.ImageRecord;
import io.rocketcri.image.ImageService;
import io.rocketcri.image.ImageUsers;
import io.rocketcri.image.LayerUsers;
import io.rocketcri.pod.PodContainers;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxService;
import io.rocketcri.pod.PodSandboxState;
import io.rocketcri.store.Ids;
import io.rocketcri.store.LogContext;
import io.rocketcri.store.Rollback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Service;

/**
 * Container lifecycle: create, start, stop, remove, status, exec. A container's exit is noticed
 * from conmon's exit file whenever its state is read (kubelet reads every second) and by the
 * {@link ContainerExitMonitor}, so no thread per container is needed.
 *
 * <p>Every state change is published to the container event bus (GetContainerEvents) by
 * {@link #commit}, which checks the state it expects, writes and publishes under one lock: a
 * container's events come out in the order of its changes, and an exit noticed by two threads at
 * once (a status read and the exit monitor) is recorded and reported once.
 */
@Service
public class ContainerService implements PodContainers, LayerUsers, ImageUsers {

	private static final Logger log = LoggerFactory.getLogger(ContainerService.class);

	private final ContainerStore store;

	private final PodSandboxService pods;

	private final ImageService images;

	private final OciSpecGenerator specs;

	private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

	/** container id → the user from its bundle; dropped when the container is removed. */
	private final ConcurrentHashMap<String, PodEngine.ProcessUser> effectiveUsers = new ConcurrentHashMap<>();

	private final EventBus<ContainerEvent> events;

	/** Orders check-write-publish of state changes (see {@link #commit}); held for an in-memory check, a row update and queue offers. */
	private final Object transitions = new Object();

	ContainerService(ContainerStore store, PodSandboxService pods, ImageService images, OciSpecGenerator specs,
			EventBus<ContainerEvent> events) {
		this.events = events;
		this.store = store;
		this.pods = pods;
		this.images = images;
		this.specs = specs;
	}

	/** Longest container name accepted (Kubernetes allows 63). */
	static final int MAX_NAME = 253;

	/** PATH_MAX, and the log_path column's width. */
	static final int MAX_LOG_PATH = 4096;

	public String create(String podId, ContainerConfig config, PodSandboxConfig sandboxConfig) {
		PodSandbox pod = pods.get(podId);
		if (pod.state() != PodSandboxState.READY) {
			throw new FailedPrecondition("creating container in pod sandbox %s: the sandbox is %s, not ready"
				.formatted(pod.id(), pod.state()));
		}
		if (config.getMetadata().getName().isBlank()) {
			throw new InvalidArgument("config.metadata.name: empty");
		}
		if (config.getMetadata().getName().length() > MAX_NAME) {
			// a DNS label in Kubernetes (63); the reserved name built from it must fit its column
			throw new InvalidArgument("config.metadata.name: %d characters, at most %d allowed"
				.formatted(config.getMetadata().getName().length(), MAX_NAME));
		}
		String imageName = config.getImage().getImage();
		if (imageName.isBlank()) {
			throw new InvalidArgument("config.image.image: empty");
		}
		ImageRecord image = images.find(imageName)
			.orElseThrow(() -> new NotFound("creating container %s: image %s not found; pull it first"
				.formatted(config.getMetadata().getName(), imageName)));
		String reserved = String.join("_", config.getMetadata().getName(), pod.name(), pod.namespace(),
				pod.config().getMetadata().getUid(), Integer.toString(config.getMetadata().getAttempt()));
		Optional<Container> existing = store.byReservedName(reserved);
		if (existing.isPresent()) {
			if (existing.get().podId().equals(pod.id())) {
				return existing.get().id(); // kubelet retried a create that succeeded
			}
			throw new io.rocketcri.failure.AlreadyExists("container name " + reserved + " is taken by " + existing.get().id());
		}
		Path logPath = logPath(pod.config(), config);
		List<ImageVolume> volumes = imageVolumes(config);
		// the volumes' layers are the container's too: image removal keeps them while it exists
		Set<String> chainIds = new java.util.LinkedHashSet<>(image.chainIds());
		volumes.forEach(v -> chainIds.addAll(v.image().chainIds()));
		String id = Ids.newId();
		String what = "creating container %s (%s) in pod sandbox %s".formatted(id, config.getMetadata().getName(), pod.id());
		Container container = new Container(id, pod.id(), reserved, ContainerState.CREATING, nowNanos(), 0, 0, 0, "", "",
				image.id(), imageName, List.copyOf(chainIds), config, logPath, 0);
		store.insert(container);
		PodEngine engine = pods.engine(pod);
		Rollback rollback = new Rollback(what);
		try (LogContext context = LogContext.container(pod.id(), id)) {
			PodEngine.PodResources podResources = pods.resources(pod);
			PodEngine.IdMappedRoot idMapped = idMappedRoot(pod, podResources);
			PodEngine.ContainerPaths paths = engine.prepareRootfs(id, images.layerPaths(image), idMapped);
			rollback.add("root file system", () -> engine.removeContainer(id));
			ContainerConfig withVolumes = mountImageVolumes(engine, id, config, volumes, idMapped);
			ImageConfig imageConfig = images.details(image).config();
			ObjectNode spec = specs.generate(new SpecInput(id, pod.id(), withVolumes, pod.config(),
					new ImageSettings(imageConfig.user(), imageConfig.env(), imageConfig.entrypoint(), imageConfig.cmd(),
							imageConfig.workingDir(), imageConfig.stopSignal(), imageConfig.volumes()),
					paths.rootfs(), specResources(pod, podResources)));
			PodEngine.CreatedContainer created = engine.createContainer(new PodEngine.ContainerPlan(id, pod.id(), spec,
					logPath, config.getTty(), config.getStdin(), config.getStdinOnce(), images.fetchSources(image, imageName)));
			commit(container.created(created.pid()), ContainerEvent.Type.CREATED, ContainerState.CREATING);
			rollback.commit();
			log.info("created container {} ({}) in pod sandbox {}", id, config.getMetadata().getName(), pod.id());
			return id;
		}
		catch (IOException | RuntimeException ex) {
			List<String> leftovers = rollback.undoAndSettle(() -> store.delete(id),
					() -> store.update(container.transition(ContainerState.UNKNOWN)));
			throw failure(what, ex, leftovers);
		}
	}

	public void start(String idOrPrefix) {
		Container c = refresh(get(idOrPrefix));
		withLock(c.id(), () -> {
			Container current = refresh(store.find(c.id()).orElseThrow());
			if (current.state() != ContainerState.CREATED) {
				throw new FailedPrecondition("starting container %s: it is %s, not created".formatted(c.id(),
						current.state().name().toLowerCase()));
			}
			// taken before runc start: a short-lived process can exit (and conmon stamp its exit
			// file) before the start call returns
			long startedAt = nowNanos();
			try {
				engineOf(current).startContainer(current.id());
			}
			catch (IOException ex) {
				commit(current.exited(128, nowNanos(), false, "start failed: " + ex.getMessage()),
						ContainerEvent.Type.STOPPED, ContainerState.CREATED);
				throw failure("starting container " + current.id(), ex, List.of());
			}
			commit(current.started(startedAt), ContainerEvent.Type.STARTED, ContainerState.CREATED);
			log.info("started container {} ({})", current.id(), current.name());
		});
	}

	/** Stops the container within {@code timeout} (then SIGKILL). Unknown or already exited: success. */
	public void stop(String idOrPrefix, Duration timeout) {
		Optional<Container> found = findQuietly(idOrPrefix);
		if (found.isEmpty()) {
			return;
		}
		withLock(found.get().id(), () -> stopLocked(found.get().id(), Timeouts.bounded(timeout)));
	}

	private void stopLocked(String id, Duration timeout) {
		Container c = store.find(id).map(this::refresh).orElse(null);
		if (c == null || c.state() == ContainerState.EXITED) {
			return;
		}
		if (c.state() == ContainerState.CREATING) {
			return;
		}
		try {
			PodEngine.ExitInfo exit = engineOf(c).stopContainer(c.id(), stopSignal(c), timeout);
			commit(c.exited(exit.exitCode(), exit.finishedAt(), exit.oomKilled(), ""), ContainerEvent.Type.STOPPED,
					ContainerState.RUNNING, ContainerState.CREATED, ContainerState.UNKNOWN);
			log.info("stopped container {} ({}): exit {}", c.id(), c.name(), exit.exitCode());
		}
		catch (IOException ex) {
			throw failure("stopping container " + c.id(), ex, List.of());
		}
	}

	/** Removes the container, killing it if it still runs. Unknown ids succeed: kubelet retries. */
	public void remove(String idOrPrefix) {
		Optional<Container> found = findQuietly(idOrPrefix);
		if (found.isEmpty()) {
			return;
		}
		withLock(found.get().id(), () -> {
			Container c = store.find(found.get().id()).orElse(null);
			if (c == null) {
				return;
			}
			try {
				if (c.state() == ContainerState.RUNNING || c.state() == ContainerState.CREATED) {
					stopLocked(c.id(), Duration.ZERO);
				}
				engineOf(c).removeContainer(c.id());
			}
			catch (IOException ex) {
				throw failure("removing container " + c.id(), ex, List.of());
			}
			synchronized (transitions) {
				store.delete(c.id());
				effectiveUsers.remove(c.id());
				publish(c, ContainerEvent.Type.DELETED);
			}
			log.info("removed container {} ({})", c.id(), c.name());
		});
	}

	/** An image volume (CRI Mount.image): the mount kubelet asked for and the image it names. */
	private record ImageVolume(int index, ImageRecord image) {
	}

	/**
	 * The images of the config's image volumes, checked before anything is made: kubelet pulls
	 * them first, so a missing one is NOT_FOUND naming the mount, and a sub path may not leave
	 * the image.
	 */
	private List<ImageVolume> imageVolumes(ContainerConfig config) {
		List<ImageVolume> volumes = new java.util.ArrayList<>();
		for (int i = 0; i < config.getMountsCount(); i++) {
			io.rocketcri.cri.api.Mount mount = config.getMounts(i);
			if (!mount.hasImage()) {
				continue;
			}
			String field = "mounts[" + i + "]";
			String ref = mount.getImage().getImage();
			if (ref.isBlank()) {
				throw new InvalidArgument(field + ".image.image: empty");
			}
			String sub = mount.getImageSubPath();
			if (sub.startsWith("/") || java.util.Arrays.asList(sub.split("/")).contains("..")) {
				throw new InvalidArgument(field + ".image_sub_path: \"" + sub + "\" must be relative and stay inside the image");
			}
			ImageRecord volumeImage = images.find(ref)
				.orElseThrow(() -> new NotFound(field + ".image: image volume " + ref + " not found; pull it first"));
			volumes.add(new ImageVolume(i, volumeImage));
		}
		return volumes;
	}

	/** Mounts each image volume read-only and points its CRI mount at it (plus the sub path). */
	private ContainerConfig mountImageVolumes(PodEngine engine, String id, ContainerConfig config,
			List<ImageVolume> volumes, PodEngine.IdMappedRoot idMapped) throws IOException {
		if (volumes.isEmpty()) {
			return config;
		}
		ContainerConfig.Builder b = config.toBuilder();
		for (ImageVolume volume : volumes) {
			io.rocketcri.cri.api.Mount mount = config.getMounts(volume.index());
			Path source;
			try {
				source = engine.mountImageVolume(id, volume.index(), images.layerPaths(volume.image()),
						mount.getImageSubPath(), idMapped);
			}
			catch (java.nio.file.NoSuchFileException ex) {
				throw new InvalidArgument("mounts[" + volume.index() + "].image_sub_path: " + mount.getImageSubPath()
						+ " does not exist in image " + mount.getImage().getImage(), ex);
			}
			b.setMounts(volume.index(), mount.toBuilder().setHostPath(source.toString()).setReadonly(true));
		}
		return b.build();
	}

	public Container status(String idOrPrefix) {
		return refresh(get(idOrPrefix));
	}

	/**
	 * The uid, gid and groups the container's process runs as (ContainerStatus.user): read from
	 * its bundle once, then kept, since a container's spec never changes.
	 */
	public Optional<PodEngine.ProcessUser> effectiveUser(Container c) {
		PodEngine.ProcessUser known = effectiveUsers.get(c.id());
		if (known != null) {
			return Optional.of(known);
		}
		Optional<PodEngine.ProcessUser> read = engineOf(c).processUser(c.id());
		read.ifPresent(user -> effectiveUsers.put(c.id(), user));
		return read;
	}

	public List<Container> list(ContainerFilter filter) {
		// kubelet lists every second: read each engine's exit directory once, not one missing
		// exit file per running container
		Map<PodEngine, Optional<Set<String>>> exited = new java.util.IdentityHashMap<>();
		// a loop, not a stream, filtering in place the fresh list the store made: this runs every
		// second with every container on the node
		List<Container> listed = store.allByCreation();
		int kept = 0;
		for (int i = 0; i < listed.size(); i++) {
			Container c = listed.get(i);
			if (c.state() == ContainerState.RUNNING && mayHaveExited(c, exited)) {
				c = refresh(c);
			}
			if (filter.matches(c)) {
				listed.set(kept++, c);
			}
		}
		listed.subList(kept, listed.size()).clear();
		return listed;
	}

	/**
	 * Whether a running container's exit status may be there to read: its engine's exit
	 * directory, listed once per call into {@code listings} (null from an engine that cannot list
	 * it, then every container of it may have exited).
	 */
	private boolean mayHaveExited(Container c, Map<PodEngine, Optional<Set<String>>> listings) {
		Optional<Set<String>> ids = listings.computeIfAbsent(engineOf(c), e -> Optional.ofNullable(e.idsWithExitStatus()));
		return ids.isEmpty() || ids.get().contains(c.id());
	}

	public PodEngine.ExecOutput execSync(String idOrPrefix, List<String> command, Duration timeout) {
		Container c = refresh(get(idOrPrefix));
		if (command.isEmpty()) {
			throw new InvalidArgument("cmd: empty");
		}
		if (c.state() != ContainerState.RUNNING) {
			throw new FailedPrecondition("exec in container %s: it is %s, not running".formatted(c.id(),
					c.state().name().toLowerCase()));
		}
		try {
			return engineOf(c).execSync(c.id(), command, timeout == null ? null : Timeouts.bounded(timeout));
		}
		catch (IOException ex) {
			throw failure("exec in container " + c.id(), ex, List.of());
		}
	}

	public void updateResources(String idOrPrefix, LinuxContainerResources resources) {
		Container c = refresh(get(idOrPrefix));
		if (c.state() != ContainerState.RUNNING && c.state() != ContainerState.CREATED) {
			throw new FailedPrecondition("updating resources of container %s: it is %s".formatted(c.id(),
					c.state().name().toLowerCase()));
		}
		try {
			engineOf(c).updateResources(c.id(), specs.resources(resources));
		}
		catch (IOException ex) {
			throw failure("updating resources of container " + c.id(), ex, List.of());
		}
	}

	public void reopenLog(String idOrPrefix) {
		Container c = refresh(get(idOrPrefix));
		if (c.state() != ContainerState.RUNNING) {
			throw new FailedPrecondition("reopening the log of container %s: it is not running".formatted(c.id()));
		}
		try {
			engineOf(c).reopenLog(c.id());
		}
		catch (IOException ex) {
			throw failure("reopening the log of container " + c.id(), ex, List.of());
		}
	}

	public Container get(String idOrPrefix) {
		return findQuietly(idOrPrefix).orElseThrow(() -> new NotFound("container " + idOrPrefix + " not found"));
	}

	private Optional<Container> findQuietly(String idOrPrefix) {
		if (idOrPrefix == null || idOrPrefix.isBlank()) {
			throw new InvalidArgument("container_id: empty");
		}
		Optional<Container> exact = store.find(idOrPrefix);
		if (exact.isPresent()) {
			return exact;
		}
		List<Container> matches = store.byIdPrefix(idOrPrefix);
		if (matches.size() > 1) {
			throw new InvalidArgument("container_id: prefix " + idOrPrefix + " matches " + matches.size() + " containers");
		}
		return matches.stream().findFirst();
	}

	/** A running container whose process has exited becomes EXITED, from conmon's exit file. */
	Container refresh(Container c) {
		if (c.state() != ContainerState.RUNNING) {
			return c;
		}
		Optional<PodEngine.ExitInfo> exit = engineOf(c).exitInfo(c.id());
		if (exit.isEmpty()) {
			return c;
		}
		Container exited = c.exited(exit.get().exitCode(), exit.get().finishedAt(), exit.get().oomKilled(), "");
		return commit(exited, ContainerEvent.Type.STOPPED, ContainerState.RUNNING).orElse(exited);
	}

	/**
	 * Records the exits of running containers whose process has ended, so that they are reported
	 * (CONTAINER_STOPPED_EVENT) even when nobody reads their state. Called by the exit monitor.
	 */
	public void recordExits() {
		// as list() does: an exit file is looked for only where the exit directory has one, not
		// read (and missed, an exception each) for every running container every second
		Map<PodEngine, Optional<Set<String>>> exited = new java.util.IdentityHashMap<>();
		for (Container c : List.copyOf(store.all())) {
			if (c.state() == ContainerState.RUNNING) {
				try {
					Container now = mayHaveExited(c, exited) ? refresh(c) : c;
					if (now.state() == ContainerState.RUNNING) {
						// no exit file: did its conmon die with it? (too costly for every list call)
						engineOf(c).lostMonitorExit(c.id()).ifPresent(exit -> commit(
								c.exited(exit.exitCode(), exit.finishedAt(), exit.oomKilled(),
										"its conmon died without recording an exit status"),
								ContainerEvent.Type.STOPPED, ContainerState.RUNNING));
					}
				}
				catch (RuntimeException ex) {
					// its pod is being removed right now; the next round sees how it ended
					log.debug("checking whether container {} exited: {}", c.id(), ex.getMessage());
				}
			}
		}
	}

	/**
	 * Writes {@code next} if the stored container is still in one of the {@code expected} states,
	 * and publishes the event, atomically with respect to other state changes.
	 * @return the container as stored afterwards; empty if it is gone
	 */
	private Optional<Container> commit(Container next, ContainerEvent.Type type, ContainerState... expected) {
		synchronized (transitions) {
			Optional<Container> current = store.find(next.id());
			if (current.isEmpty() || !List.of(expected).contains(current.get().state())) {
				return current; // another thread recorded this change (or a later one) first
			}
			store.update(next);
			publish(next, type);
			return Optional.of(next);
		}
	}

	/** Under {@link #transitions}: snapshots the pod and its containers into the event. */
	private void publish(Container c, ContainerEvent.Type type) {
		PodSandbox pod;
		try {
			pod = pods.get(c.podId());
		}
		catch (NotFound ex) {
			pod = null;
		}
		List<Container> members = store.ofPod(c.podId())
			.stream()
			.sorted(Comparator.comparingLong(Container::createdAt))
			.toList();
		events.publish(new ContainerEvent(c.id(), type, nowNanos(), pod, members));
	}

	@Override
	public void stopAll(String podId, Duration timeout) {
		for (Container c : store.ofPod(podId)) {
			stop(c.id(), timeout);
		}
	}

	@Override
	public void removeAll(String podId) {
		for (Container c : store.ofPod(podId)) {
			remove(c.id());
		}
	}

	@Override
	public Set<String> chainIdsInUse() {
		Set<String> used = new HashSet<>();
		store.all().forEach(c -> used.addAll(c.chainIds()));
		return used;
	}

	@Override
	public Set<String> imageIdsInUse() {
		Set<String> used = new HashSet<>();
		store.all().forEach(c -> used.add(c.imageId()));
		return used;
	}

	/**
	 * At boot: load; clean up containers a crash caught in CreateContainer (as the call's rollback
	 * would have: kubelet's retry makes a new one) and finish StartContainer calls it caught (runc
	 * knows whether the process started); then clear what nobody knows.
	 */
	void load() {
		store.load();
		for (Container c : List.copyOf(store.all())) {
			if (c.state() == ContainerState.CREATING) {
				cleanUpHalfMade(c);
			}
			else if (c.state() == ContainerState.CREATED) {
				reconcileCreated(c);
			}
		}
		Set<String> containerIds = new HashSet<>();
		store.all().forEach(c -> containerIds.add(c.id()));
		for (PodEngine engine : pods.engines()) {
			engine.removeLeftovers(pods.ids(), containerIds);
		}
	}

	private void cleanUpHalfMade(Container c) {
		String what = "cleaning up container %s (%s) in pod sandbox %s, whose CreateContainer an earlier run did not finish"
			.formatted(c.id(), c.name(), c.podId());
		Rollback rollback = new Rollback(what);
		rollback.add("container process, root file system and bundle", () -> engineOf(c).removeContainer(c.id()));
		List<String> leftovers = rollback.undoAndSettle(() -> store.delete(c.id()),
				() -> store.update(c.transition(ContainerState.UNKNOWN)));
		if (leftovers.isEmpty()) {
			log.info("{}: done", what);
		}
		else {
			log.warn("{}: kept as unknown, could not undo: {}", what, String.join("; ", leftovers));
		}
	}

	/**
	 * A CREATED container whose StartContainer a crash cut off after runc start: its process ran
	 * (exit file) or runs (runc state). The start time is not recorded anywhere; the exit time or
	 * now is the closest we know.
	 */
	private void reconcileCreated(Container c) {
		PodEngine engine = engineOf(c);
		Optional<PodEngine.ExitInfo> exit = engine.exitInfo(c.id());
		if (exit.isPresent()) {
			store.update(c.started(exit.get().finishedAt())
				.exited(exit.get().exitCode(), exit.get().finishedAt(), exit.get().oomKilled(), ""));
			log.info("container {} ({}) was started and exited while rocket-cri was down: exit {}", c.id(), c.name(),
					exit.get().exitCode());
		}
		else if (engine.isRunning(c.id())) {
			store.update(c.started(nowNanos()));
			log.info("container {} ({}) was started by a StartContainer an earlier run did not finish", c.id(), c.name());
		}
	}

	private PodEngine engineOf(Container c) {
		return pods.engine(pods.get(c.podId()));
	}

	private int stopSignal(Container c) {
		return Signals.of(c.config().getStopSignal())
			.or(() -> images.find(c.imageId()).map(i -> images.details(i).config().stopSignal()).flatMap(Signals::parse))
			.orElse(Signals.SIGTERM);
	}

	private io.rocketcri.container.spec.PodResources specResources(PodSandbox pod, PodEngine.PodResources r) {
		return new io.rocketcri.container.spec.PodResources(r.netns(), r.ipcns(), r.utsns(), r.infraPid(),
				r.hostsFile(), r.hostnameFile(), r.resolvConf(), r.shmDir(), pod.cgroupParent(),
				PodSandboxService.hostname(pod.config()), r.userns());
	}

	/** The id-mapped root a container of this pod needs, null when the pod uses the host's ids. */
	private PodEngine.IdMappedRoot idMappedRoot(PodSandbox pod, PodEngine.PodResources r) {
		if (r.userns() == null) {
			return null;
		}
		var userns = pod.config().getLinux().getSecurityContext().getNamespaceOptions().getUsernsOptions();
		return new PodEngine.IdMappedRoot(r.userns(), userns.getUids(0).getHostId(), userns.getGids(0).getHostId());
	}

	static Path logPath(PodSandboxConfig pod, ContainerConfig config) {
		if (pod.getLogDirectory().isBlank() || config.getLogPath().isBlank()) {
			return null;
		}
		if (config.getLogPath().startsWith("/")) {
			throw new InvalidArgument("config.log_path: must be relative to the pod's log_directory: " + config.getLogPath());
		}
		Path directory;
		Path path;
		try {
			directory = Path.of(pod.getLogDirectory()).normalize();
			path = directory.resolve(config.getLogPath()).normalize();
		}
		catch (java.nio.file.InvalidPathException ex) {
			throw new InvalidArgument("config.log_path: " + config.getLogPath() + " in log directory "
					+ pod.getLogDirectory() + " is not a valid path: " + ex.getReason());
		}
		if (path.toString().length() > MAX_LOG_PATH) {
			throw new InvalidArgument("config.log_path: %d characters with the log directory, at most %d allowed"
				.formatted(path.toString().length(), MAX_LOG_PATH));
		}
		if (!path.startsWith(directory) || path.equals(directory)) {
			// conmon would write wherever this points, as root
			throw new InvalidArgument("config.log_path: " + config.getLogPath() + " leaves the pod's log directory "
					+ directory);
		}
		return path;
	}

	private void withLock(String id, Runnable work) {
		ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
		lock.lock();
		try (LogContext context = LogContext.container(store.find(id).map(Container::podId).orElse(null), id)) {
			work.run();
		}
		finally {
			lock.unlock();
		}
	}

	private static RuntimeFailure failure(String what, Exception ex, List<String> leftovers) {
		if (ex instanceof io.rocketcri.engine.ContainerRefusedException && leftovers.isEmpty()) {
			// the container's own configuration (its command, its working directory): kubelet shows
			// this as the container's error, nothing for the node operator to fix
			return new FailedPrecondition(what + ": " + ex.getMessage());
		}
		return Failures.of(what, ex, leftovers);
	}

	public static long nowNanos() {
		Instant now = Instant.now();
		return now.getEpochSecond() * 1_000_000_000L + now.getNano();
	}

}
