package io.rocketcri.engine.rkt;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import io.rocketcri.engine.CommandRunner;
import io.rocketcri.engine.CommandRunner.Command;
import io.rocketcri.engine.CommandRunner.CommandFailedException;
import io.rocketcri.engine.HostOs;
import io.rocketcri.engine.Leftovers;
import io.rocketcri.engine.PodEngine;
import io.rocketcri.engine.StreamingProcess;
import io.rocketcri.engine.ns.NamespacePinner;
import io.rocketcri.engine.ns.NamespaceType;
import io.rocketcri.engine.ns.PinnedNamespaces;
import io.rocketcri.failure.FailedPrecondition;
import io.rocketcri.failure.NotFound;
import io.rocketcri.failure.Unavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code rkt} runtime handler: a pod is an rkt app sandbox, each container an app in it, as
 * rktlet ran them. rocket-cri keeps what rkt does not: which pod uuid and app belong to which CRI
 * id (files under {@code <state>/rkt}), the pod's network (a pinned namespace that rkt is started
 * in, with rocket-cri's CNI as for runc pods) and the logs in kubelet's format.
 *
 * <p>State on disk, under {@code <state>/rkt}:
 * <pre>
 *   pods/&lt;podId&gt;/uuid            rkt's pod uuid (written by rkt, --uuid-file-save)
 *   pods/&lt;podId&gt;/sandbox.log     output of the detached `rkt app sandbox`
 *   pods/&lt;podId&gt;/logs/&lt;id&gt;.log  stage1's raw app logs (k8s-plain)
 *   containers/&lt;id&gt;/pod         the container's pod id (its app name is the container id)
 * </pre>
 */
public final class RktPodEngine implements PodEngine, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(RktPodEngine.class);

	public static final String HANDLER = "rkt";

	/** rkt's own calls (status, app add, app rm…) are quick; image fetches and sandbox stops are not. */
	private static final Duration CALL = Duration.ofSeconds(60);

	/** How long a pod may take to become ready before its stage1's systemd is nudged; see startDefaultTarget. */
	static final Duration KICK_AFTER = Duration.ofSeconds(5);

	private static final Duration FETCH = Duration.ofMinutes(10);

	private static final Duration STATUS_KEEP = Duration.ofSeconds(1);

	private final RktCommands commands;

	private final CommandRunner runner;

	private final HostOs host;

	private final NamespacePinner pinner;

	private final Path stateDir;

	private final Duration readyTimeout;

	private volatile Stage1Systemd stage1Systemd = Stage1Systemd.HOST;

	private final io.rocketcri.engine.ns.PodSysctls sysctls;

	private final Duration pollInterval;

	private final boolean noOverlay;

	private final RktAvailability availability;

	private final LongSupplier nanoClock;

	/** Exits once known: rkt keeps them while the pod exists, but asking costs a fork. */
	private final Map<String, ExitInfo> exits = new ConcurrentHashMap<>();

	/** The last app status per container with its nano time: kubelet lists every second. */
	private final Map<String, TimedStatus> statuses = new ConcurrentHashMap<>();

	private final Map<String, RktLogFollower> followers = new ConcurrentHashMap<>();

	/**
	 * @param noOverlay start sandboxes with {@code --no-overlay} (copying images) for a data
	 * directory that is not on a shared mount
	 */
	public RktPodEngine(RktCommands commands, CommandRunner runner, HostOs host, NamespacePinner pinner, Path stateRoot,
			Duration readyTimeout, Duration pollInterval, boolean noOverlay, LongSupplier nanoClock) {
		this.commands = commands;
		this.runner = runner;
		this.host = host;
		this.pinner = pinner;
		this.stateDir = stateRoot.resolve("rkt");
		this.readyTimeout = readyTimeout;
		this.pollInterval = pollInterval;
		this.noOverlay = noOverlay;
		this.nanoClock = nanoClock;
		this.availability = new RktAvailability(commands, runner, nanoClock);
		this.sysctls = new io.rocketcri.engine.ns.PodSysctls(runner);
	}

	/** Tests replace how the pod's systemd is found (their pods have no real nspawn). */
	void stage1Systemd(Stage1Systemd lookup) {
		this.stage1Systemd = lookup;
	}

	@Override
	public String handler() {
		return HANDLER;
	}

	@Override
	public boolean available() {
		return availability.missing().isEmpty();
	}

	private void requireAvailable(String what) {
		Optional<String> missing = availability.missing();
		if (missing.isPresent()) {
			throw new FailedPrecondition("%s: runtime handler \"%s\" is not usable on this node: %s".formatted(what,
					HANDLER, missing.get()));
		}
	}

	/** An operation rkt has no command for: the pod's handler, not the request, is the reason. */
	private static FailedPrecondition unsupported(String what) {
		return new FailedPrecondition("%s: not supported by runtime handler \"%s\" (rkt has no command for it)"
			.formatted(what, HANDLER));
	}

	// ---- pods ----

	@Override
	public PodResources runPod(PodPlan plan) throws IOException {
		String what = "running rkt app sandbox for pod " + plan.podId();
		requireAvailable(what);
		if (plan.userns() != null) {
			throw unsupported(what + " in a user namespace");
		}
		Path podDir = podDir(plan.podId());
		Files.createDirectories(podDir.resolve("logs"));
		boolean done = false;
		PinnedNamespaces pinned = null;
		try {
			writePodFiles(podDir, plan);
			if (plan.privateNetwork()) {
				// rkt runs in this namespace with --net=host: the pod's network is the pinned
				// namespace, which rocket-cri's CNI set-up fills as for a runc pod
				pinned = pinner.pin(plan.podId(), EnumSet.of(NamespaceType.NET), null);
			}
			Path netns = pinned == null ? null : pinned.path(NamespaceType.NET).orElse(null);
			launchSandbox(plan, netns);
			String uuid = awaitUuid(plan.podId());
			awaitReady(plan.podId(), uuid);
			applySysctls(plan, uuid, netns);
			done = true;
			log.info("rkt pod {} runs pod sandbox {}", uuid, plan.podId());
			return resources(plan.podId(), netns);
		}
		finally {
			if (!done) {
				try {
					removePod(plan.podId(), resources(plan.podId(), pinned == null ? null
							: pinned.path(NamespaceType.NET).orElse(null)));
				}
				catch (IOException | RuntimeException ex) {
					log.warn("cleaning up after the failed rkt sandbox of pod {}: {}", plan.podId(), ex.getMessage());
				}
			}
		}
	}

	/**
	 * Starts {@code rkt app sandbox} in a session of its own (setsid) with its output in a file, so
	 * that it is nobody's child: it outlives a rocket-cri restart as conmon does for runc pods. The
	 * shell returns as soon as setsid has forked; readiness is awaited separately.
	 */
	private void launchSandbox(PodPlan plan, Path netns) throws IOException {
		Path podDir = podDir(plan.podId());
		List<String> rkt = commands.sandbox(new RktCommands.SandboxArgs(plan.podId(), podDir.resolve("uuid"),
				plan.hostname(), !plan.privateNetwork(), plan.dnsServers(), plan.dnsSearches(), plan.dnsOptions(),
				podDir.resolve("logs"), noOverlay));
		List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c",
				"exec setsid -f \"$@\" </dev/null >>\"$RKT_SANDBOX_LOG\" 2>&1", "rkt-sandbox"));
		if (netns != null) {
			argv.addAll(List.of("nsenter", "--net=" + netns, "--"));
		}
		argv.addAll(rkt);
		Map<String, String> env = new java.util.HashMap<>(RktCommands.ENV);
		env.put("RKT_SANDBOX_LOG", podDir.resolve("sandbox.log").toString());
		runner.check(new Command(argv, env, null, null, CALL));
	}

	private String awaitUuid(String podId) throws IOException {
		Path file = podDir(podId).resolve("uuid");
		long deadline = nanoClock.getAsLong() + readyTimeout.toNanos();
		while (true) {
			if (Files.isRegularFile(file)) {
				String uuid = Files.readString(file, StandardCharsets.US_ASCII).strip();
				if (!uuid.isEmpty()) {
					return uuid;
				}
			}
			if (nanoClock.getAsLong() > deadline) {
				throw new Unavailable("running rkt app sandbox for pod %s: no pod uuid in %s after %ds; rkt said: %s"
					.formatted(podId, file, readyTimeout.toSeconds(), sandboxLogTail(podId)));
			}
			pause();
		}
	}

	/**
	 * "running" comes seconds before stage1's supervisor is ready, and {@code app add} before then
	 * fails ("supervisor … is not yet ready"): rkt's own {@code --wait-ready} waits for the latter.
	 */
	private void awaitReady(String podId, String uuid) throws IOException {
		long left = Math.max(1, readyTimeout.toSeconds());
		long first = Math.min(left, Math.max(1, KICK_AFTER.toSeconds()));
		CommandRunner.Result r = runner.run(command(commands.status(uuid, Duration.ofSeconds(first)),
				Duration.ofSeconds(first + 10)));
		if (r.exitCode() == 0 && !r.timedOut() && RktStatus.pod(r.stdoutText()).running()) {
			return;
		}
		if (first < left && startDefaultTarget(podId, uuid)) {
			r = runner.run(command(commands.status(uuid, Duration.ofSeconds(left - first)),
					Duration.ofSeconds(left - first + 10)));
			if (r.exitCode() == 0 && !r.timedOut() && RktStatus.pod(r.stdoutText()).running()) {
				return;
			}
		}
		CommandRunner.Result now = runner.run(command(commands.status(uuid, Duration.ZERO), CALL));
		if (now.exitCode() == 0 && RktStatus.pod(now.stdoutText()).finished()) {
			throw new Unavailable("running rkt app sandbox for pod %s: rkt pod %s exited while starting; rkt said: %s"
				.formatted(podId, uuid, sandboxLogTail(podId)));
		}
		throw new Unavailable("running rkt app sandbox for pod %s: rkt pod %s not ready after %ds (%s); rkt said: %s"
			.formatted(podId, uuid, left, (r.stderrText() + r.stdoutText()).strip(), sandboxLogTail(podId)));
	}

	/**
	 * The pod's sysctls, each in the namespace it belongs to: IPC ones in the IPC namespace nspawn
	 * made for the pod (its systemd's), net ones in the pinned network namespace rkt runs in. A
	 * host-network pod has no network namespace of its own, so a net sysctl fails it, as for runc.
	 */
	private void applySysctls(PodPlan plan, String uuid, Path netns) throws IOException {
		if (plan.sysctls().isEmpty()) {
			return;
		}
		java.util.EnumMap<NamespaceType, Path> namespaces = new java.util.EnumMap<>(NamespaceType.class);
		if (netns != null) {
			namespaces.put(NamespaceType.NET, netns);
		}
		long systemd = podSystemd(uuid).orElseThrow(() -> new IOException("setting the sysctls of pod "
				+ plan.podId() + ": the systemd of rkt pod " + uuid + " was not found"));
		namespaces.put(NamespaceType.IPC, Path.of("/proc", Long.toString(systemd), "ns", "ipc"));
		sysctls.applySysctls(new PinnedNamespaces(plan.podId(), namespaces), plan.sysctls());
	}

	/** The host pid of the pod's own systemd (under the systemd-nspawn whose pid rkt records). */
	private OptionalLong podSystemd(String uuid) throws IOException {
		try {
			long nspawn = Long.parseLong(Files.readString(commands.stage1PidFile(uuid), StandardCharsets.US_ASCII).strip());
			return stage1Systemd.applyAsPid(nspawn);
		}
		catch (NumberFormatException ex) {
			throw new IOException("the stage1 pid file of rkt pod " + uuid + " holds no pid: " + ex.getMessage(), ex);
		}
	}

	/**
	 * rkt 1.30's host stage1 on systemd 252: in about one start in five the pod's systemd comes up
	 * without starting its default target (no job queued, default.target not even loaded), so
	 * stage1's supervisor never reports ready and {@code app add} would wait forever. Starting the
	 * target by hand makes such a pod ready at once (seen: 5 of 15 starts needed it, all then
	 * ready). A healthy pod is ready in 1–3 s, before {@link #KICK_AFTER}, and for a pod that is
	 * only slow the request joins the start already queued. Returns whether the target was asked for.
	 */
	private boolean startDefaultTarget(String podId, String uuid) {
		try {
			OptionalLong systemd = podSystemd(uuid);
			if (systemd.isEmpty()) {
				return false;
			}
			log.warn("rkt pod {} of pod sandbox {} is not ready after {}s: its systemd did not start its default "
					+ "target; starting it", uuid, podId, KICK_AFTER.toSeconds());
			CommandRunner.Result r = runner.run(new Command(RktCommands.startDefaultTarget(systemd.getAsLong()),
					java.util.Map.of(), null, null, CALL));
			if (r.exitCode() != 0 || r.timedOut()) {
				log.warn("starting default.target in rkt pod {}: exited {}: {}", uuid, r.exitCode(), r.stderrText().strip());
				return false;
			}
			return true;
		}
		catch (IOException ex) {
			log.warn("starting default.target in rkt pod {}: {}", uuid, ex.getMessage());
			return false;
		}
	}

	/** The host pid of the pod's systemd: the one child of its systemd-nspawn. */
	interface Stage1Systemd {

		OptionalLong applyAsPid(long nspawnPid);

		Stage1Systemd HOST = nspawnPid -> ProcessHandle.of(nspawnPid)
			.flatMap(nspawn -> nspawn.children().findFirst())
			.map(child -> OptionalLong.of(child.pid()))
			.orElse(OptionalLong.empty());

	}

	@Override
	public PodResources describePod(String podId, Path netns, Path ipcns, Path utsns, String infraId, Integer infraPid) {
		return resources(podId, netns);
	}

	private PodResources resources(String podId, Path netns) {
		Path podDir = podDir(podId);
		return new PodResources(netns, null, null, podDir.resolve("resolv.conf"), podDir.resolve("hosts"),
				podDir.resolve("hostname"), null, null, null, null);
	}

	/** Stops the rkt pod: stage1 shuts its apps down; a pod that does not stop within 30 s is killed. */
	@Override
	public void stopPod(String podId, PodResources resources) throws IOException {
		Optional<String> uuid = uuidOf(podId);
		if (uuid.isEmpty()) {
			return;
		}
		stopFollowersOf(podId);
		if (podFinished(uuid.get())) {
			return;
		}
		CommandRunner.Result r = runner.run(command(commands.stop(uuid.get(), false), CALL));
		if (r.exitCode() != 0 && !gone(r)) {
			log.info("rkt stop of pod {} ({}) said: {}; killing it", uuid.get(), podId, r.stderrText().strip());
		}
		if (awaitFinished(uuid.get(), Duration.ofSeconds(30))) {
			return;
		}
		CommandRunner.Result forced = runner.run(command(commands.stop(uuid.get(), true), CALL));
		if (!awaitFinished(uuid.get(), Duration.ofSeconds(30))) {
			throw new IOException("stopping rkt pod %s of pod sandbox %s: still running after rkt stop --force: %s"
				.formatted(uuid.get(), podId, (forced.stderrText() + forced.stdoutText()).strip()));
		}
	}

	/** Removes the rkt pod and what rkt may leave behind (mounts, cgroups), the netns pin and the pod files. */
	@Override
	public void removePod(String podId, PodResources resources) throws IOException {
		Optional<String> uuid = uuidOf(podId);
		if (uuid.isPresent()) {
			stopPod(podId, resources);
			CommandRunner.Result r = runner.run(command(commands.rm(uuid.get()), CALL));
			if (r.exitCode() != 0 && !gone(r)) {
				throw new CommandFailedException(command(commands.rm(uuid.get()), CALL), r);
			}
			new RktLeftovers(host, commands.dataDir()).remove(uuid.get());
		}
		Optional<PinnedNamespaces> pinned = pinner.find(podId);
		if (pinned.isPresent()) {
			pinner.unpin(pinned.get());
		}
		deleteTree(podDir(podId));
	}

	// ---- containers ----

	/**
	 * rkt builds each app's root file system from the image in its own store: rocket-cri only
	 * gives the spec generator an empty directory (it finds no /etc/passwd there, so names in
	 * runAsUserName are not resolved; numeric users are).
	 */
	@Override
	public ContainerPaths prepareRootfs(String id, List<Path> lowerDirs, IdMappedRoot idMapped) throws IOException {
		if (idMapped != null) {
			throw unsupported("creating container " + id + " in a user namespace");
		}
		Path dir = containerDir(id);
		Files.createDirectories(dir.resolve("rootfs"));
		return new ContainerPaths(dir, dir.resolve("rootfs"));
	}

	@Override
	public CreatedContainer createContainer(ContainerPlan plan) throws IOException {
		String what = "creating rkt app %s in pod sandbox %s".formatted(plan.id(), plan.podId());
		requireAvailable(what);
		if (plan.tty() || plan.stdin()) {
			throw unsupported(what + " with a terminal or stdin (attach)");
		}
		String uuid = uuidOf(plan.podId())
			.orElseThrow(() -> new NotFound(what + ": the pod sandbox has no rkt pod (it was not started or is gone)"));
		if (plan.imageSources().isEmpty()) {
			throw new FailedPrecondition(what + ": rkt fetches images from a registry, and no registry is known for "
					+ "this image (imported from a file, or its registry is blocked)");
		}
		Path dir = containerDir(plan.id());
		Files.createDirectories(dir);
		// recorded before the app is added, so that the caller's undo (removeContainer) finds it
		Files.writeString(dir.resolve("pod"), plan.podId(), StandardCharsets.US_ASCII);
		if (plan.logPath() != null) {
			Files.writeString(dir.resolve("log-path"), plan.logPath().toString(), StandardCharsets.UTF_8);
		}
		String imageId = fetch(plan.imageSources());
		RktCommands.AppArgs app = RktAppSpec.from(plan.spec(), appName(plan.id()), rawLogName(plan.id()));
		for (RktCommands.AppArgs.Volume v : app.volumes()) {
			// rkt refuses a host volume whose source is missing; kubelet creates its own, but a
			// DirectoryOrCreate-style hostPath is made here as runc's bind would need it too
			if (!Files.exists(Path.of(v.source()))) {
				Files.createDirectories(Path.of(v.source()));
			}
		}
		runner.check(command(commands.appAdd(uuid, imageId, app), CALL));
		return new CreatedContainer(0);
	}

	/**
	 * Fetches from the first source that answers, as a pull tries mirrors before the registry.
	 * rkt prints the image id (sha512-…) as the last line; docker2aci's progress goes to stderr.
	 */
	private String fetch(List<String> sources) throws IOException {
		List<String> failures = new ArrayList<>();
		for (String source : sources) {
			CommandRunner.Result r = runner.run(command(commands.fetch(source), FETCH));
			String[] lines = r.stdoutText().strip().split("\n");
			String id = lines[lines.length - 1].strip();
			if (r.exitCode() == 0 && !r.timedOut() && id.startsWith("sha512-")) {
				return id;
			}
			failures.add(source + ": " + (r.timedOut() ? "timed out" : "exited " + r.exitCode()) + " "
					+ (r.stderrText().isBlank() ? r.stdoutText() : r.stderrText()).strip().lines()
						.reduce((a, b) -> b).orElse(""));
		}
		throw new IOException("rkt fetch found the image nowhere: " + String.join("; ", failures));
	}

	@Override
	public void startContainer(String id) throws IOException {
		AppRef ref = ref(id);
		runner.check(command(commands.appStart(ref.uuid(), ref.app()), CALL));
		statuses.remove(id);
		follower(id, ref).start();
	}

	/**
	 * {@code rkt app stop} has stage1's systemd stop the app: SIGTERM, then SIGKILL after its own
	 * timeout; rkt takes neither a signal nor a timeout, so a container's stop signal is not used.
	 */
	@Override
	public ExitInfo stopContainer(String id, int stopSignal, Duration timeout) throws IOException {
		Optional<ExitInfo> already = exitInfo(id);
		if (already.isPresent()) {
			return already.get();
		}
		AppRef ref = ref(id);
		Optional<RktStatus.App> status = appStatus(ref, true);
		boolean stopped = false;
		if (status.isPresent() && status.get().running()) {
			// stage1's systemd waits 90 s after SIGTERM before SIGKILL, whatever the CRI timeout says
			Command stop = command(commands.appStop(ref.uuid(), ref.app()), Duration.ofSeconds(120).plus(timeout));
			CommandRunner.Result r = runner.run(stop);
			if (r.exitCode() != 0 && !gone(r)) {
				throw new CommandFailedException(stop, r);
			}
			stopped = true;
		}
		// app stop returns before the exit status is written (by a reaper unit, ~100 ms later)
		long deadline = nanoClock.getAsLong() + Duration.ofSeconds(30).toNanos();
		while (true) {
			status = appStatus(ref, true);
			if (status.isPresent() && status.get().exited()) {
				ExitInfo exited = toExit(status.get());
				if (stopped && (exited.exitCode() == 15 || exited.exitCode() == 9)) {
					// rkt reports the number of the signal that killed the app; the CRI, like a
					// shell, reports 128 + signal (143 after our SIGTERM, 137 after SIGKILL)
					exited = new ExitInfo(128 + exited.exitCode(), exited.finishedAt(), false);
				}
				exits.put(id, exited);
				stopFollower(id);
				return exited;
			}
			if (status.isEmpty() || !status.get().running()) {
				// never started (created), or the pod is gone: nothing ran, nothing to report but a stop
				ExitInfo ended = new ExitInfo(status.isPresent() ? 0 : 137, nowNanos(), false);
				exits.put(id, ended);
				stopFollower(id);
				return ended;
			}
			if (nanoClock.getAsLong() > deadline) {
				throw new IOException("stopping rkt app %s of pod %s: still running 30s after rkt app stop"
					.formatted(ref.app(), ref.uuid()));
			}
			pause();
		}
	}

	@Override
	public void removeContainer(String id) throws IOException {
		stopFollower(id);
		Optional<AppRef> ref = findRef(id);
		if (ref.isPresent()) {
			CommandRunner.Result r = runner.run(command(commands.appRm(ref.get().uuid(), ref.get().app()), CALL));
			if (r.exitCode() != 0 && !gone(r) && !podFinished(ref.get().uuid())) {
				// rkt cannot remove an app whose add failed half-way (its unit was never loaded:
				// systemctl exits 5); only the pod's own rkt rm clears it. The container goes now,
				// so that kubelet can remove the pod, whose removal takes the app with it.
				log.warn("removing rkt app {} of pod {}: {}; it goes with the pod", ref.get().app(), ref.get().uuid(),
						new CommandFailedException(command(commands.appRm(ref.get().uuid(), ref.get().app()), CALL), r)
							.getMessage());
			}
			Files.deleteIfExists(podDir(ref.get().podId()).resolve("logs").resolve(rawLogName(id)));
		}
		deleteTree(containerDir(id));
		exits.remove(id);
		statuses.remove(id);
	}

	/** rkt reports no exit code for an app it could not reap: 255, as for a lost conmon. */
	private static ExitInfo toExit(RktStatus.App app) {
		return new ExitInfo(app.exitCode() == null ? 255 : app.exitCode(),
				app.finishedAt() > 0 ? app.finishedAt() : nowNanos(), false);
	}

	@Override
	public Optional<ExitInfo> exitInfo(String id) {
		ExitInfo known = exits.get(id);
		if (known != null) {
			return Optional.of(known);
		}
		Optional<AppRef> ref = findRef(id);
		if (ref.isEmpty()) {
			return Optional.empty();
		}
		Optional<RktStatus.App> status = appStatus(ref.get(), false);
		if (status.isPresent() && status.get().exited()) {
			ExitInfo exit = toExit(status.get());
			exits.put(id, exit);
			return Optional.of(exit);
		}
		return Optional.empty();
	}

	/** The app's "monitor" is the rkt pod: when the pod is gone, its running apps are gone too. */
	@Override
	public Optional<ExitInfo> lostMonitorExit(String id) {
		Optional<AppRef> ref = findRef(id);
		if (ref.isEmpty() || exits.containsKey(id)) {
			return Optional.empty();
		}
		try {
			CommandRunner.Result r = runner.run(command(commands.status(ref.get().uuid(), Duration.ZERO), CALL));
			if ((r.exitCode() != 0 && gone(r)) || (r.exitCode() == 0 && RktStatus.pod(r.stdoutText()).finished())) {
				ExitInfo lost = new ExitInfo(255, nowNanos(), false);
				exits.put(id, lost);
				return Optional.of(lost);
			}
		}
		catch (IOException ex) {
			log.debug("asking rkt for pod {} of container {}: {}", ref.get().uuid(), id, ex.getMessage());
		}
		return Optional.empty();
	}

	@Override
	public boolean isRunning(String id) {
		return findRef(id).flatMap(ref -> appStatus(ref, true)).map(RktStatus.App::running).orElse(false);
	}

	@Override
	public ExecOutput execSync(String id, List<String> command, Duration timeout) throws IOException {
		AppRef ref = ref(id);
		// no timeout in CRI terms means none: a day stands for it, since a command must have one
		Duration limit = timeout == null || timeout.isZero() ? Duration.ofDays(1) : timeout;
		CommandRunner.Result r = runner.run(command(commands.appExec(ref.uuid(), ref.app(), command), limit));
		return new ExecOutput(r.timedOut() ? -1 : r.exitCode(), r.stdout(), r.stderr(), r.timedOut());
	}

	@Override
	public StreamingProcess exec(String id, List<String> command, boolean tty, boolean stdin) throws IOException {
		if (tty) {
			throw unsupported("exec with a terminal into container " + id);
		}
		AppRef ref = ref(id);
		return RktStreamingExec.start(id.substring(0, Math.min(12, id.length())),
				commands.appExec(ref.uuid(), ref.app(), command), RktCommands.ENV, stdin);
	}

	@Override
	public StreamingProcess attach(String id, boolean stdin) throws IOException {
		throw unsupported("attaching to container " + id);
	}

	/** The pod's network is rocket-cri's pinned namespace (or the host's): dial it as for a runc pod. */
	@Override
	public SocketChannel dialPort(String podId, PodResources resources, int port) throws IOException {
		return io.rocketcri.engine.stdio.NetnsDialer.dial(resources.netns(), port);
	}

	@Override
	public void updateResources(String id, ObjectNode linuxResources) throws IOException {
		throw unsupported("updating the resources of container " + id);
	}

	/** Each converted batch opens the log path anew, so a rotated log is picked up without reopening. */
	@Override
	public void reopenLog(String id) throws IOException {
		// every batch the follower copies opens the path again; the new file must exist at once
		follower(id, ref(id)).createTarget();
	}

	/**
	 * At boot: rkt pods and apps no CRI object owns any more go (the crash came between rkt's
	 * command and the store's row); the logs of known running apps are followed again.
	 */
	@Override
	public void removeLeftovers(Set<String> knownPodIds, Set<String> knownContainerIds) {
		for (String id : children(stateDir.resolve("containers"))) {
			if (!knownContainerIds.contains(id)) {
				Leftovers.remove("rkt app of unknown container " + id, () -> removeContainer(id));
			}
			else {
				findRef(id).ifPresent(ref -> {
					if (appStatus(ref, true).map(RktStatus.App::running).orElse(false)) {
						follower(id, ref).start();
					}
				});
			}
		}
		for (String podId : children(stateDir.resolve("pods"))) {
			if (!knownPodIds.contains(podId)) {
				Leftovers.remove("rkt pod of unknown pod sandbox " + podId, () -> removePod(podId, resources(podId, null)));
			}
		}
	}

	@Override
	public Optional<ContainerUsage> usage(String id) {
		return Optional.empty();
	}

	@Override
	public PodUsage podUsage(String podId, String cgroupParent, PodResources resources) {
		return new PodUsage(Optional.empty(), Optional.empty(), List.of());
	}

	@Override
	public Path mountImageVolume(String id, int index, List<Path> lowerDirs, String subPath, IdMappedRoot idMapped)
			throws IOException {
		throw unsupported("mounting an image volume into container " + id);
	}

	@Override
	public ContainerPaths paths(String id) {
		return new ContainerPaths(containerDir(id), containerDir(id).resolve("rootfs"));
	}

	@Override
	public Optional<ProcessUser> processUser(String id) {
		return Optional.empty();
	}

	// ---- helpers ----

	/** A container's place in rkt: its pod's uuid and its app name. */
	record AppRef(String podId, String uuid, String app) {
	}

	private AppRef ref(String id) throws IOException {
		return findRef(id).orElseThrow(() -> new NotFound("container " + id + " has no rkt app (it was removed)"));
	}

	private Optional<AppRef> findRef(String id) {
		try {
			Path podFile = containerDir(id).resolve("pod");
			if (!Files.isRegularFile(podFile)) {
				return Optional.empty();
			}
			String podId = Files.readString(podFile, StandardCharsets.US_ASCII).strip();
			return uuidOf(podId).map(uuid -> new AppRef(podId, uuid, appName(id)));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	private Optional<String> uuidOf(String podId) throws IOException {
		Path file = podDir(podId).resolve("uuid");
		if (!Files.isRegularFile(file)) {
			return Optional.empty();
		}
		String uuid = Files.readString(file, StandardCharsets.US_ASCII).strip();
		return uuid.isEmpty() ? Optional.empty() : Optional.of(uuid);
	}

	/** The app's status, at most {@link #STATUS_KEEP} old unless {@code fresh}; empty when rkt does not know it. */
	private Optional<RktStatus.App> appStatus(AppRef ref, boolean fresh) {
		String id = ref.app();
		TimedStatus cached = statuses.get(id);
		long now = nanoClock.getAsLong();
		if (!fresh && cached != null && now - cached.at() < STATUS_KEEP.toNanos()) {
			return cached.status();
		}
		Optional<RktStatus.App> status;
		try {
			CommandRunner.Result r = runner.run(command(commands.appStatus(ref.uuid(), ref.app()), CALL));
			status = r.exitCode() == 0 ? Optional.of(RktStatus.app(r.stdoutText())) : Optional.empty();
		}
		catch (IOException ex) {
			log.debug("asking rkt for app {} of pod {}: {}", ref.app(), ref.uuid(), ex.getMessage());
			status = Optional.empty();
		}
		statuses.put(id, new TimedStatus(now, status));
		return status;
	}

	private record TimedStatus(long at, Optional<RktStatus.App> status) {
	}

	private boolean podFinished(String uuid) throws IOException {
		CommandRunner.Result r = runner.run(command(commands.status(uuid, Duration.ZERO), CALL));
		if (r.exitCode() != 0) {
			return gone(r);
		}
		return RktStatus.pod(r.stdoutText()).finished();
	}

	private boolean awaitFinished(String uuid, Duration limit) throws IOException {
		long deadline = nanoClock.getAsLong() + limit.toNanos();
		while (!podFinished(uuid)) {
			if (nanoClock.getAsLong() > deadline) {
				return false;
			}
			pause();
		}
		return true;
	}

	/** rkt's words for a pod or app that does not exist (any more). */
	static boolean gone(CommandRunner.Result r) {
		String text = (r.stderrText() + " " + r.stdoutText()).toLowerCase(java.util.Locale.ROOT);
		return text.contains("no matches found") || text.contains("not found") || text.contains("cannot find")
				|| text.contains("does not exist") || text.contains("no such file");
	}

	private RktLogFollower follower(String id, AppRef ref) {
		return followers.computeIfAbsent(id, k -> {
			Path target = readLogPath(id);
			return new RktLogFollower(id, podDir(ref.podId()).resolve("logs").resolve(rawLogName(id)),
					target != null ? target : containerDir(id).resolve("container.log"),
					containerDir(id).resolve("log-offset"), Duration.ofMillis(200));
		});
	}

	private Path readLogPath(String id) {
		try {
			return Path.of(Files.readString(containerDir(id).resolve("log-path"), StandardCharsets.UTF_8).strip());
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * rocket-cri shuts down (Spring calls this on the bean): the apps run on, so their log
	 * followers end without a final flush; the next run resumes them from their saved offsets.
	 */
	@Override
	public void close() {
		for (String id : List.copyOf(followers.keySet())) {
			RktLogFollower f = followers.remove(id);
			if (f != null) {
				f.halt();
			}
		}
	}

	private void stopFollower(String id) {
		RktLogFollower f = followers.remove(id);
		if (f != null) {
			f.stop();
		}
	}

	private void stopFollowersOf(String podId) {
		for (String id : List.copyOf(followers.keySet())) {
			if (findRef(id).map(r -> r.podId().equals(podId)).orElse(true)) {
				stopFollower(id);
			}
		}
	}

	/** App names are ACNames (lowercase letters, digits, dashes): a container id is one already. */
	static String appName(String containerId) {
		return containerId;
	}

	static String rawLogName(String containerId) {
		return containerId + ".log";
	}

	private void writePodFiles(Path podDir, PodPlan plan) throws IOException {
		// for the spec generator only: rkt writes the pod's own from --hostname and --dns
		Files.writeString(podDir.resolve("hostname"), plan.hostname() + "\n");
		Files.writeString(podDir.resolve("hosts"), "127.0.0.1\tlocalhost\n");
		Files.writeString(podDir.resolve("resolv.conf"), "");
	}

	private String sandboxLogTail(String podId) {
		try {
			String text = Files.readString(podDir(podId).resolve("sandbox.log"), StandardCharsets.UTF_8).strip();
			return text.isEmpty() ? "(nothing)" : text.length() > 800 ? "…" + text.substring(text.length() - 800) : text;
		}
		catch (IOException ex) {
			return "(no output)";
		}
	}

	private static Command command(List<String> argv, Duration timeout) {
		return new Command(argv, RktCommands.ENV, null, null, timeout);
	}

	private void pause() throws IOException {
		try {
			Thread.sleep(pollInterval);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted while waiting for rkt", ex);
		}
	}

	private Path podDir(String podId) {
		return stateDir.resolve("pods").resolve(podId);
	}

	private Path containerDir(String id) {
		return stateDir.resolve("containers").resolve(id);
	}

	private static long nowNanos() {
		java.time.Instant now = java.time.Instant.now();
		return now.getEpochSecond() * 1_000_000_000L + now.getNano();
	}

	private static List<String> children(Path dir) {
		if (!Files.isDirectory(dir)) {
			return List.of();
		}
		try (var list = Files.list(dir)) {
			return list.map(p -> p.getFileName().toString()).sorted().toList();
		}
		catch (IOException ex) {
			log.warn("listing {}: {}", dir, ex.getMessage());
			return List.of();
		}
	}

	static void deleteTree(Path dir) throws IOException {
		if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		try (var walk = Files.walk(dir)) {
			for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
				try {
					Files.delete(p);
				}
				catch (NoSuchFileException ex) {
					// gone already
				}
			}
		}
	}

}
