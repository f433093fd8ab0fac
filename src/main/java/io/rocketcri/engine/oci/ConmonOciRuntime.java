package io.rocketcri.engine.oci;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

import io.rocketcri.config.Json;
import io.rocketcri.engine.CommandRunner;
import io.rocketcri.engine.CommandRunner.Command;
import io.rocketcri.engine.ExecutableLocator;
import io.rocketcri.engine.HostOs;
import io.rocketcri.engine.HostOsException;
import io.rocketcri.engine.StreamingProcess;
import io.rocketcri.engine.oci.OciException.Reason;

/**
 * {@link OciRuntime} on conmon 2.1 and runc (or another OCI runtime with runc's command line).
 *
 * <p>Each container gets its own conmon, started for {@code runc create}. conmon daemonises (the
 * process we start exits as soon as it has forked), becomes the subreaper of the container, owns
 * its stdout/stderr (the CRI log file), writes the exit code to {@code exits/<id>} and
 * {@code containers/<id>/exit}, creates {@code containers/<id>/oom} when the OOM killer acted,
 * and serves the attach socket and the control FIFO. Everything else ({@code start},
 * {@code kill}, {@code state}, {@code delete}, {@code update}) calls the runtime directly. How
 * conmon gets its sync pipe is explained on {@link ConmonLauncher}; the ExecSync flow on
 * {@link ConmonExecSync}.
 *
 * <h2>Who reaps whom</h2>
 * rocket-cri is not a child subreaper. The first conmon process is our child and the JDK reaps
 * it. The daemonised conmon is re-parented to the host's init, which reaps it when it exits
 * after its container (here PID 1 does so every ~2 s, so a finished conmon may show as a zombie
 * that long: it is not ours to reap, and it holds nothing). Container processes are conmon's to
 * reap. ExecSync keeps conmon as our direct child ({@code --sync}) and kills a timed-out
 * process group itself while conmon is still waiting for it, so conmon reaps it; see
 * {@link ConmonExecSync}.
 *
 * <p>Thread safety: no lock; the record cache is a concurrent map, and calls for one id are
 * serialised by the caller (see {@link OciRuntime}).
 */
public final class ConmonOciRuntime implements OciRuntime, AutoCloseable {

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ConmonOciRuntime.class);

	/** Bound on a runc call; they take milliseconds unless the host is in trouble. */
	static final Duration RUNC_TIMEOUT = Duration.ofMinutes(1);

	/** Bound on {@code runc create} under conmon (CRI-O's default container_create_timeout). */
	static final Duration CREATE_TIMEOUT = Duration.ofMinutes(4);

	/** How long a finished or killed container's conmon gets to write its files and exit. */
	static final Duration CONMON_EXIT_GRACE = Duration.ofSeconds(10);

	private final StateLayout layout;

	private final CommandRunner runner;

	private final HostOs host;

	private final ExecutableLocator tools;

	private final ConmonLauncher launcher;

	private final ExitFileWatcher exits;

	private final ConmonExecSync execSync;

	/** Records by id, loaded from the persist directory on first use after a restart. */
	private final Map<String, ConmonContainer> containers = new ConcurrentHashMap<>();

	/**
	 * {@code rocket_cri_oci_invocation_duration_seconds{tool,operation,outcome}}: each runc call,
	 * and conmon's create (conmon + runc create, until conmon reports the pid) and exec. The
	 * start and kill that rocket-cri does itself for runc (see {@link #start}, {@link #kill}) keep
	 * {@code tool="runc"}: the operation is runc's, only the process is gone.
	 */
	private final MeterRegistry meters;

	/** Without metrics (tests, benchmarks). */
	public ConmonOciRuntime(Path stateRoot, CommandRunner runner, HostOs host, ExecutableLocator tools) {
		this(stateRoot, runner, host, tools, new CompositeMeterRegistry());
	}

	public ConmonOciRuntime(Path stateRoot, CommandRunner runner, HostOs host, ExecutableLocator tools,
			MeterRegistry meters) {
		this.meters = meters;
		this.layout = new StateLayout(stateRoot);
		this.runner = runner;
		this.host = host;
		this.tools = tools;
		this.launcher = new ConmonLauncher(runner, host, this.layout.syncDir());
		this.exits = new ExitFileWatcher(this.layout.exitDir());
		this.execSync = new ConmonExecSync(this.launcher, host, this.layout);
	}

	@Override
	public CreatedContainer create(CreateRequest request) throws OciException {
		String id = StateLayout.checkId(request.id());
		String handler = StateLayout.checkHandler(request.runtimeHandler());
		if (request.logPath() != null && request.logPath().toString().contains(":")) {
			// conmon cuts its --log-path option at the first ':' (driver:path)
			throw new IllegalArgumentException("log path must not contain ':': " + request.logPath());
		}
		String action = "creating container " + id;
		Path persist = this.layout.persistDir(id);
		Path runtimeRoot = this.layout.runtimeRoot(handler);
		// Refuse a taken id before any side effect: undoing a failed create deletes the container
		// by id, which must never be someone else's.
		if (Files.exists(runtimeRoot.resolve(id)) || Files.exists(persist.resolve(ConmonContainer.FILE_NAME))) {
			throw new OciException(action + ": the id is already in use", Reason.ALREADY_EXISTS, null);
		}
		ConmonContainer container = new ConmonContainer(id, request.bundle().toAbsolutePath().normalize(),
				request.logPath() != null ? request.logPath().toAbsolutePath().normalize() : null, handler,
				locate(handler, action));
		Path conmon = locate("conmon", action);
		try {
			for (Path dir : List.of(runtimeRoot, this.layout.exitDir(), this.layout.attachDir(), persist)) {
				Files.createDirectories(dir);
			}
			if (container.logPath() != null) {
				Files.createDirectories(container.logPath().getParent());
			}
			// leftovers of an earlier container with this id would read as this one's exit
			Files.deleteIfExists(this.layout.exitFile(id));
			Files.deleteIfExists(persist.resolve("exit"));
			Files.deleteIfExists(persist.resolve("oom"));
			container.save(persist);
		}
		catch (IOException ex) {
			removeFiles(id);
			throw new OciException(action + ": preparing " + persist + ": " + ex.getMessage(), Reason.FAILED, ex);
		}
		this.containers.put(id, container);
		long start = System.nanoTime();
		try {
			CreatedContainer created = runCreate(container, request, conmon, action);
			time("conmon", "create", "success", start);
			return created;
		}
		catch (OciException ex) {
			time("conmon", "create", "failure", start);
			undoCreate(container, ex);
			throw ex;
		}
	}

	private CreatedContainer runCreate(ConmonContainer container, CreateRequest request, Path conmon, String action)
			throws OciException {
		Path persist = this.layout.persistDir(container.id());
		Path runcLog = persist.resolve("runc.log");
		long runcLogStart = RuntimeMessages.sizeOf(runcLog);
		List<String> argv = ConmonArgs.create(conmon, container, request, this.layout);
		try (ConmonLauncher.Launch launch = this.launcher.launch(container.id(), argv, container.bundle(), 1,
				CREATE_TIMEOUT.plusSeconds(30))) {
			CommandRunner.Result first = launch.awaitProcess(CREATE_TIMEOUT);
			if (first.timedOut() || first.exitCode() != 0) {
				throw failure(action, argv, first.exitCode(),
						join(RuntimeMessages.fromStderr(first.stderrText()), RuntimeMessages.fromJsonLog(runcLog, runcLogStart)));
			}
			SyncFifo.Message report;
			try {
				report = launch.sync().next(CREATE_TIMEOUT);
			}
			catch (TimeoutException ex) {
				throw new OciException(action + ": conmon reported nothing within " + CREATE_TIMEOUT.toSeconds() + " s",
						Reason.TIMED_OUT, argv, -1, RuntimeMessages.fromJsonLog(runcLog, runcLogStart), ex);
			}
			if (report == null || report.failed()) {
				String said = report == null ? "conmon exited without reporting a pid" : report.message();
				throw failure(action, argv, -1, join(RuntimeMessages.fromStderr(said),
						RuntimeMessages.fromJsonLog(runcLog, runcLogStart)));
			}
			int conmonPid = readPid(persist.resolve("conmon.pid"));
			return new CreatedContainer(report.value(), conmonPid);
		}
		catch (OciException ex) {
			throw ex;
		}
		catch (IOException | TimeoutException ex) {
			throw new OciException(action + ": running conmon: " + ex.getMessage(), Reason.FAILED, argv, -1,
					RuntimeMessages.fromJsonLog(runcLog, runcLogStart), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new OciException(action + ": interrupted", Reason.FAILED, ex);
		}
	}

	/** Undoes a failed create, best effort: the runtime's container, conmon, our files. */
	private void undoCreate(ConmonContainer container, OciException cause) {
		String id = container.id();
		killConmon(id);
		if (!cause.alreadyExists()) {
			try {
				runc(container, "removing container " + id + " after a failed create", null, "delete", "--force", id);
			}
			catch (OciException ex) {
				if (!ex.notFound()) {
					cause.addSuppressed(ex);
				}
			}
		}
		removeFiles(id);
		this.containers.remove(id);
	}

	/**
	 * Starts a created runc container the way {@code runc start} does, without its process
	 * (6–11 ms a start, LifecycleBenchmark): runc start opens {@code <root>/<id>/exec.fifo} for
	 * reading, which lets the container's init (blocked opening it for writing since
	 * {@code runc create}) write one byte and exec the container's process, reads to end-of-file
	 * (the init's descriptor closes on exec) and removes the FIFO, whose absence is how runc tells
	 * "running" from "created" afterwards. runc 1.1 runs no hook there: poststart hooks run during
	 * create. Anything else (another runtime, no FIFO: not in the created state, an unreadable
	 * state.json) goes through the runtime, for its own checks and error messages.
	 */
	@Override
	public void start(String id) throws OciException {
		ConmonContainer container = lookup(id);
		Optional<InitProcess> init = initProcess(container);
		Path fifo = this.layout.runtimeRoot(container.runtimeHandler()).resolve(id).resolve("exec.fifo");
		if (init.isEmpty() || !Files.exists(fifo)) {
			runc(container, "starting container " + id, null, "start", id);
			return;
		}
		String action = "starting container " + id;
		long start = System.nanoTime();
		try {
			// runc checks the init every 100 ms while it waits; so do we
			byte[] written = this.host.drainFifo(fifo, Duration.ofMillis(100), init.get()::alive);
			if (written.length == 0) {
				time(container.runtimeHandler(), "start", "failure", start);
				throw new OciException(action + ": container process is already dead", Reason.NOT_RUNNING, null);
			}
			Files.deleteIfExists(fifo);
			time(container.runtimeHandler(), "start", "success", start);
		}
		catch (HostOsException ex) {
			if (ex.errno() == HostOsException.ENOENT) {
				// started by someone else in between: let runc say what state it is in
				runc(container, action, null, "start", id);
				return;
			}
			throw new OciException(action + ": " + ex.getMessage(), Reason.FAILED, ex);
		}
		catch (IOException ex) {
			throw new OciException(action + ": " + ex.getMessage(), Reason.FAILED, ex);
		}
	}

	/**
	 * A container's init as runc recorded it in {@code <root>/<id>/state.json}: its pid and its
	 * start time, which tell it from a later process that got the same pid.
	 */
	record InitProcess(int pid, long startTime) {

		/** Still that process and not a zombie. */
		boolean alive() {
			return ProcStat.startTime(this.pid) == this.startTime;
		}

	}

	/** runc's record of the container's init; empty for other runtimes or when unreadable. */
	Optional<InitProcess> initProcess(ConmonContainer container) {
		if (!container.runtimeBinary().getFileName().toString().equals("runc")) {
			return Optional.empty();
		}
		Path state = this.layout.runtimeRoot(container.runtimeHandler()).resolve(container.id()).resolve("state.json");
		int pid = 0;
		long startTime = -1;
		// Streamed, stopping at the two fields: runc writes them first, ahead of the whole
		// container config (about 10 KiB), which a tree would parse on every start and stop.
		try (JsonParser parser = Json.MAPPER.createParser(state.toFile())) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return Optional.empty();
			}
			while (parser.nextToken() == JsonToken.PROPERTY_NAME && (pid <= 0 || startTime < 0)) {
				String field = parser.currentName();
				JsonToken value = parser.nextToken();
				if ("init_process_pid".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
					pid = parser.getIntValue();
				}
				else if ("init_process_start".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
					startTime = parser.getLongValue();
				}
				else {
					parser.skipChildren();
				}
			}
		}
		catch (JacksonException ex) {
			return Optional.empty(); // unreadable (Jackson reports I/O errors as its own too) or not JSON
		}
		return pid > 0 && startTime >= 0 ? Optional.of(new InitProcess(pid, startTime)) : Optional.empty();
	}

	/**
	 * Signals the container's init. Without {@code all}, for runc, this is what {@code runc kill}
	 * does (check that the pid still names the init, by its start time, then kill(2)) without its
	 * process (5–12 ms a stop, LifecycleBenchmark), and through a pidfd, so that a pid reused
	 * between the check and the signal cannot be hit. runc would thaw a paused container for
	 * SIGKILL; rocket-cri never pauses one. {@code --all} and other runtimes go through the runtime.
	 */
	@Override
	public void kill(String id, int signal, boolean all) throws OciException {
		ConmonContainer container = lookup(id);
		Optional<InitProcess> init = all ? Optional.empty() : initProcess(container);
		if (init.isPresent()) {
			String action = "sending signal " + signal + " to container " + id;
			long start = System.nanoTime();
			boolean sent;
			try {
				sent = this.host.signalIfStartedAt(init.get().pid(), init.get().startTime(), signal);
			}
			catch (IOException ex) {
				time(container.runtimeHandler(), "kill", "failure", start);
				throw new OciException(action + ": " + ex.getMessage(), Reason.FAILED, ex);
			}
			time(container.runtimeHandler(), "kill", sent ? "success" : "failure", start);
			if (!sent) {
				// runc's words, which callers already treat as "it has exited"
				throw new OciException(action + ": container not running", Reason.NOT_RUNNING, null);
			}
			return;
		}
		List<String> args = new ArrayList<>(List.of("kill"));
		if (all) {
			args.add("--all");
		}
		args.addAll(List.of(id, Integer.toString(signal)));
		runc(container, "sending signal " + signal + " to container " + id, null, args.toArray(String[]::new));
	}

	@Override
	public ContainerState state(String id) throws OciException {
		String action = "reading the state of container " + id;
		CommandRunner.Result result = runc(lookup(id), action, null, "state", id);
		try {
			JsonNode state = Json.read(result.stdout());
			return new ContainerState(state.path("status").asString(), state.path("pid").asInt());
		}
		catch (IOException ex) {
			throw new OciException(action + ": unreadable runc state: " + result.stdoutText(), Reason.FAILED, ex);
		}
	}

	@Override
	public void delete(String id, boolean force) throws OciException {
		ConmonContainer container = lookup(id);
		try {
			if (deletedWithoutRunc(container)) {
				// nothing for runc to do
			}
			else if (force) {
				runc(container, "deleting container " + id, null, "delete", "--force", id);
			}
			else {
				runc(container, "deleting container " + id, null, "delete", id);
			}
		}
		catch (OciException ex) {
			if (!ex.notFound()) {
				throw ex;
			}
		}
		// The process is gone now; its conmon may still be writing the exit file. Let it finish,
		// or it would write into the directories we are about to remove.
		awaitConmonGone(id, CONMON_EXIT_GRACE);
		removeFiles(id);
		this.containers.remove(id);
	}

	/** {@code runc delete} of a container whose init has exited, without its process: {@link StoppedRuncContainer}. */
	private boolean deletedWithoutRunc(ConmonContainer container) throws OciException {
		if (!container.runtimeBinary().getFileName().toString().equals("runc")) {
			return false;
		}
		Path stateDir = this.layout.runtimeRoot(container.runtimeHandler()).resolve(container.id());
		JsonNode state;
		try {
			state = Json.read(stateDir.resolve("state.json"));
		}
		catch (IOException ex) {
			return false; // gone or unreadable: runc delete says which
		}
		Optional<StoppedRuncContainer> stopped = StoppedRuncContainer.of(stateDir, state, ProcStat::startTime);
		if (stopped.isEmpty()) {
			return false;
		}
		long start = System.nanoTime();
		try {
			boolean deleted = stopped.get().delete();
			time(container.runtimeHandler(), "delete", deleted ? "success" : "failure", start);
			return deleted;
		}
		catch (IOException ex) {
			time(container.runtimeHandler(), "delete", "failure", start);
			throw new OciException("deleting container " + container.id() + ": " + ex.getMessage(), Reason.FAILED, ex);
		}
	}

	/**
	 * The exit directory's listing, and the directory's modification time when it was taken.
	 * @param reusable whether a later change to the directory must show in its modification time
	 */
	private record ExitListing(FileTime modified, boolean reusable, java.util.Set<String> ids) {
	}

	private volatile ExitListing exitListing;

	/**
	 * Ids with an exit file, read once per change of the exit directory: kubelet relists every
	 * second, and with 1,000 containers on the node the listing was a fifth of ListContainers.
	 * The directory's modification time moves with every file added or removed, but only in
	 * clock ticks: a listing is kept only if it began clearly after the time the directory shows,
	 * so that a file added after the listing cannot share that time.
	 */
	@Override
	public java.util.Set<String> idsWithExitStatus() {
		Path dir = this.layout.exitDir();
		try {
			FileTime modified = Files.getLastModifiedTime(dir);
			ExitListing kept = this.exitListing;
			if (kept != null && kept.reusable() && kept.modified().equals(modified)) {
				return kept.ids();
			}
			long listedAt = System.currentTimeMillis();
			java.util.Set<String> ids;
			try (Stream<Path> files = Files.list(dir)) {
				ids = files.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toUnmodifiableSet());
			}
			this.exitListing = new ExitListing(modified, listedAt - modified.toMillis() > EXIT_LISTING_MARGIN_MILLIS, ids);
			return ids;
		}
		catch (NoSuchFileException ex) {
			return java.util.Set.of();
		}
		catch (IOException ex) {
			return null; // the caller falls back to one file per container
		}
	}

	/** Far more than a kernel clock tick (1–10 ms), the granularity of directory times. */
	private static final long EXIT_LISTING_MARGIN_MILLIS = 100;

	@Override
	public void releaseOrphanLaunches() {
		this.launcher.releaseOrphans();
	}

	@Override
	public Optional<ExitStatus> exitStatus(String id) {
		Path exitFile = this.layout.exitFile(id);
		try {
			String text = Files.readString(exitFile, StandardCharsets.US_ASCII).strip();
			if (text.isEmpty()) {
				return Optional.empty();
			}
			Instant finishedAt = Files.getLastModifiedTime(exitFile).toInstant();
			boolean oom = Files.exists(this.layout.persistDir(id).resolve("oom"));
			return Optional.of(new ExitStatus(Integer.parseInt(text), finishedAt, oom));
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException | NumberFormatException ex) {
			// conmon writes through a rename, so a half-written file means someone else wrote it
			return Optional.empty();
		}
	}

	@Override
	public ExitStatus awaitExit(String id, Duration timeout) throws OciException, TimeoutException {
		StateLayout.checkId(id);
		long deadline = System.nanoTime() + timeout.toNanos();
		CompletableFuture<Void> signal = this.exits.watch(id);
		try {
			while (true) {
				Optional<ExitStatus> status = exitStatus(id);
				if (status.isPresent()) {
					return status.get();
				}
				if (!conmonAlive(id)) {
					// conmon writes the exit file before it exits: look once more, then give up
					status = exitStatus(id).or(() -> lostMonitorExit(id));
					if (status.isPresent()) {
						return status.get();
					}
					boolean known = Files.exists(this.layout.persistDir(id).resolve(ConmonContainer.FILE_NAME));
					throw new OciException("waiting for container " + id + " to exit: "
							+ (known ? "its conmon is gone and left no exit status" : "no such container"),
							known ? Reason.FAILED : Reason.NOT_FOUND, null);
				}
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					throw new TimeoutException("container " + id + " still running after " + timeout.toMillis() + " ms");
				}
				try {
					signal.get(Math.min(remaining, this.exits.pollInterval().toNanos()), TimeUnit.NANOSECONDS);
				}
				catch (TimeoutException ex) {
					// poll again
				}
				catch (ExecutionException ex) {
					// never failed, only completed
				}
				if (signal.isDone()) {
					this.exits.forget(id, signal);
					signal = this.exits.watch(id);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new OciException("waiting for container " + id + " to exit: interrupted", Reason.FAILED, ex);
		}
		finally {
			this.exits.forget(id, signal);
		}
	}

	@Override
	public ExecResult execSync(String id, ExecRequest request) throws OciException {
		ConmonContainer container = lookup(id);
		if (!Files.exists(this.layout.persistDir(id).resolve(ConmonContainer.FILE_NAME))) {
			throw new OciException("exec in container " + id + ": no such container", Reason.NOT_FOUND, null);
		}
		long start = System.nanoTime();
		String outcome = "failure";
		try {
			ExecResult result = this.execSync.run(container, locate("conmon", "exec in container " + id), request);
			outcome = "success";
			return result;
		}
		finally {
			time("conmon", "exec", outcome, start);
		}
	}

	@Override
	public StreamingProcess exec(String id, List<String> command, boolean tty, boolean stdin) throws OciException {
		ConmonContainer container = lookup(id);
		String action = "exec " + (command.isEmpty() ? "" : command.getFirst()) + " in container " + id;
		Path persist = this.layout.persistDir(id);
		if (!Files.exists(persist.resolve(ConmonContainer.FILE_NAME))) {
			throw new OciException(action + ": no such container", Reason.NOT_FOUND, null);
		}
		Path execDir = persist.resolve("exec").resolve(id.substring(0, Math.min(12, id.length())) + ".stream-"
				+ UUID.randomUUID().toString().substring(0, 8));
		try {
			byte[] process = this.execSync.processSpec(container.bundle(), new ExecRequest(command, Duration.ZERO, tty));
			return RuncStreamingExec.start(container, this.layout.runtimeRoot(container.runtimeHandler()),
					persist.resolve("runc.log"), execDir, process, tty, stdin, this.host);
		}
		catch (IOException | IllegalArgumentException ex) {
			throw new OciException(action + ": " + ex.getMessage(), Reason.FAILED, ex);
		}
	}

	@Override
	public StreamingProcess attach(String id, boolean stdin) throws OciException {
		ConmonContainer container = lookup(id);
		String action = "attaching to container " + id;
		if (!Files.exists(this.layout.persistDir(id).resolve(ConmonContainer.FILE_NAME))) {
			throw new OciException(action + ": no such container", Reason.NOT_FOUND, null);
		}
		if (!conmonAlive(id)) {
			throw new OciException(action + ": its conmon is not running (the container has exited)",
					Reason.NOT_RUNNING, null);
		}
		// conmon makes <attach dir>/<id> a symlink to the bundle and the socket "attach" in it;
		// take whichever path fits into sun_path
		Path viaLink = this.layout.attachDir().resolve(id).resolve("attach");
		Path inBundle = container.bundle().resolve("attach");
		Path socket = viaLink.toString().length() <= inBundle.toString().length() ? viaLink : inBundle;
		try {
			return ConmonAttach.connect(id, socket, container.bundle().resolve("ctl"), this.host, stdin);
		}
		catch (HostOsException ex) {
			Reason reason = ex.errno() == HostOsException.ENOENT || ex.errno() == 111 ? Reason.NOT_RUNNING : Reason.FAILED;
			throw new OciException(action + ": " + ex.getMessage(), reason, ex);
		}
		catch (IOException ex) {
			throw new OciException(action + ": " + ex.getMessage(), Reason.FAILED, ex);
		}
	}

	@Override
	public void updateResources(String id, String linuxResourcesJson) throws OciException {
		runc(lookup(id), "updating resources of container " + id, linuxResourcesJson.getBytes(StandardCharsets.UTF_8),
				"update", "--resources", "-", id);
	}

	@Override
	public void reopenLog(String id) throws OciException {
		String action = "reopening the log of container " + id;
		ConmonContainer container = lookup(id);
		if (!Files.exists(this.layout.persistDir(id).resolve(ConmonContainer.FILE_NAME))) {
			throw new OciException(action + ": no such container", Reason.NOT_FOUND, null);
		}
		if (exitStatus(id).isPresent()) {
			// conmon writes the exit file and only then closes its control FIFO: without this
			// check a reopen right after the exit would reach a conmon that is about to leave
			throw new OciException(action + ": the container has exited", Reason.NOT_RUNNING, null);
		}
		if (container.logPath() == null) {
			return;
		}
		try {
			// conmon's control message: type 2 (reopen logs), height and width unused
			this.host.writeFifo(container.bundle().resolve("ctl"), "2 0 0\n".getBytes(StandardCharsets.US_ASCII));
		}
		catch (HostOsException ex) {
			if (ex.errno() == HostOsException.ENXIO || ex.errno() == HostOsException.ENOENT) {
				throw new OciException(action + ": conmon is not running (the container has exited)",
						Reason.NOT_RUNNING, ex);
			}
			throw new OciException(action + ": " + ex.getMessage(), Reason.FAILED, ex);
		}
		catch (IOException ex) {
			throw new OciException(action + ": " + ex.getMessage(), Reason.FAILED, ex);
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (!Files.exists(container.logPath())) {
			if (System.nanoTime() > deadline) {
				throw new OciException(action + ": " + container.logPath() + " did not reappear within 5 s",
						Reason.TIMED_OUT, null);
			}
			sleepQuietly(Duration.ofMillis(10));
		}
	}

	/** Stops watching the exit directory. Containers and their conmons keep running. */
	@Override
	public void close() {
		this.exits.close();
	}

	/** The record of {@code id}; for an unknown id a default one, so that runc itself says "does not exist". */
	private ConmonContainer lookup(String id) throws OciException {
		StateLayout.checkId(id);
		ConmonContainer known = this.containers.get(id);
		if (known != null) {
			return known;
		}
		try {
			Optional<ConmonContainer> loaded = ConmonContainer.load(this.layout.persistDir(id));
			if (loaded.isPresent()) {
				this.containers.putIfAbsent(id, loaded.get());
				return loaded.get();
			}
		}
		catch (IOException ex) {
			throw new OciException("reading what we know about container " + id + ": " + ex.getMessage(),
					Reason.FAILED, ex);
		}
		return new ConmonContainer(id, this.layout.persistDir(id), null, "runc", locate("runc", "container " + id));
	}

	private CommandRunner.Result runc(ConmonContainer container, String action, byte[] stdin, String... args)
			throws OciException {
		List<String> argv = new ArrayList<>(List.of(container.runtimeBinary().toString(), "--root",
				this.layout.runtimeRoot(container.runtimeHandler()).toString()));
		argv.addAll(List.of(args));
		CommandRunner.Result result;
		long start = System.nanoTime();
		try {
			result = this.runner.run(new Command(argv, Map.of(), stdin, null, RUNC_TIMEOUT));
		}
		catch (IOException ex) {
			time(container.runtimeHandler(), args[0], "failure", start);
			throw new OciException(action + ": " + ex.getMessage(), Reason.FAILED, argv, -1, "", ex);
		}
		time(container.runtimeHandler(), args[0], result.exitCode() == 0 && !result.timedOut() ? "success" : "failure",
				start);
		if (result.timedOut()) {
			throw new OciException(action + ": no answer within " + RUNC_TIMEOUT.toSeconds() + " s", Reason.TIMED_OUT,
					argv, -1, result.stderrText(), null);
		}
		if (result.exitCode() != 0) {
			String said = RuntimeMessages.fromStderr(result.stderrText());
			throw OciException.fromCommand(action, argv, result.exitCode(),
					said.isEmpty() ? result.stdoutText() : said);
		}
		return result;
	}

	private void time(String tool, String operation, String outcome, long startNanos) {
		Timer.builder("rocket.cri.oci.invocation.duration")
			.description("conmon and OCI runtime (runc) invocations")
			.tag("tool", tool)
			.tag("operation", operation)
			.tag("outcome", outcome)
			.publishPercentileHistogram()
			.register(this.meters)
			.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
	}

	private static OciException failure(String action, List<String> argv, int exitCode, String said) {
		String text = said.isBlank() ? "no message" : said;
		return new OciException(action + ": " + text, OciException.classify(text), argv, exitCode, text, null);
	}

	private static String join(String a, String b) {
		if (a.isBlank()) {
			return b;
		}
		if (b.isBlank() || a.contains(b)) {
			return a;
		}
		return a + "; " + b;
	}

	private Path locate(String program, String action) throws OciException {
		return this.tools.find(program)
			.orElseThrow(() -> new OciException(action + ": " + program + " not found in " + this.tools.searchPath(),
					Reason.FAILED, null));
	}

	private static int readPid(Path file) throws IOException {
		try {
			return Integer.parseInt(Files.readString(file, StandardCharsets.US_ASCII).strip());
		}
		catch (NumberFormatException ex) {
			throw new IOException("no pid in " + file, ex);
		}
	}

	/**
	 * A container whose conmon died (the OOM killer, a kill -9) without writing an exit file, and
	 * whose process is gone too: conmon writes the exit file before it exits, so none will ever
	 * come. Reported as exit code 255, as CRI-O does, rather than RUNNING forever. A container
	 * process that still runs unmonitored stays running (its logs are lost; stopping it works).
	 */
	@Override
	public Optional<ExitStatus> lostMonitorExit(String id) {
		Path persist = this.layout.persistDir(id);
		if (!Files.exists(persist.resolve(ConmonContainer.FILE_NAME)) || !Files.exists(persist.resolve("conmon.pid"))
				|| conmonAlive(id) || Files.exists(this.layout.exitFile(id))) {
			return Optional.empty();
		}
		try {
			int pid = readPid(lookup(id).bundle().resolve("pidfile"));
			if (ProcStat.read(pid).map(ProcStat::alive).orElse(false)) {
				return Optional.empty();
			}
		}
		catch (IOException ex) {
			// no pid file: runc never started the process, which is as gone as it gets
		}
		log.warn("container {}: its conmon died without an exit status and its process is gone; reporting exit code 255",
				id);
		return Optional.of(new ExitStatus(LOST_MONITOR_EXIT_CODE, Instant.now(), false));
	}

	/** The exit code of a container whose monitor died with it (no exit status exists). */
	static final int LOST_MONITOR_EXIT_CODE = 255;

	/**
	 * Whether the conmon of {@code id} still runs: its pid file names a live (not zombie) process
	 * called conmon. False when there is no pid file.
	 */
	boolean conmonAlive(String id) {
		Integer pid = this.conmonPids.get(id);
		try {
			if (pid == null) {
				pid = readPid(this.layout.persistDir(id).resolve("conmon.pid"));
				this.conmonPids.put(id, pid);
			}
			return ProcStat.read(pid).map((stat) -> stat.alive() && stat.command().equals("conmon")).orElse(false);
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Conmon pids read from their pid files: the exit monitor asks about every running
	 * container every second. A conmon keeps its pid for its life; {@link #conmonAlive} checks
	 * that the pid still names a conmon, and the entry goes with the container's files.
	 */
	private final Map<String, Integer> conmonPids = new ConcurrentHashMap<>();

	private void awaitConmonGone(String id, Duration limit) {
		long deadline = System.nanoTime() + limit.toNanos();
		while (conmonAlive(id) && System.nanoTime() < deadline) {
			sleepQuietly(Duration.ofMillis(10));
		}
	}

	private void killConmon(String id) {
		try {
			int pid = readPid(this.layout.persistDir(id).resolve("conmon.pid"));
			if (conmonAlive(id)) {
				this.host.kill(pid, HostOs.SIGKILL);
			}
		}
		catch (IOException ex) {
			// no pid file (conmon never got that far) or already gone
		}
	}

	private void removeFiles(String id) {
		this.conmonPids.remove(id);
		try {
			Files.deleteIfExists(this.layout.exitFile(id));
			Files.deleteIfExists(this.layout.attachDir().resolve(id));
			deleteTree(this.layout.persistDir(id));
		}
		catch (IOException ex) {
			// what is left is found and removed by the next delete of this id
		}
	}

	static void deleteTree(Path dir) throws IOException {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

	static void sleepQuietly(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
