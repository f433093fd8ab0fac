package io.rocketcri.engine.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.rocketcri.config.Json;
import io.rocketcri.engine.CommandRunner;
import io.rocketcri.engine.HostOs;
import io.rocketcri.engine.HostOsException;
import io.rocketcri.engine.oci.OciException.Reason;

/**
 * ExecSync through conmon: {@code conmon --exec --sync --api-version 1}, which runs
 * {@code runc exec --detach}, adopts the exec process (conmon is a subreaper), writes its output
 * to a CRI-format log, and reports first {@code {"data": <exec pid>}} and then
 * {@code {"data": <exit code>}} on the sync pipe.
 *
 * <h2>Timeout: we kill, conmon reaps</h2>
 * conmon's own timeout ({@code -T}) kills the exec process group and then exits at once without
 * waiting for it (conmon 2.1.6 {@code conmon.c}: a non-blocking reap at exit), so the killed
 * process is re-parented to the host's init as a zombie, which here is reaped only every ~2 s
 * (measured: orphans stayed zombies under PID 1 for 1.7 to 1.9 s after their exit). So we keep
 * the timeout ourselves: when it elapses we SIGKILL the exec's process group (runc makes the
 * exec process a session leader, so its pid is its group) while conmon is still waiting for it.
 * conmon reaps it, reports 137, and exits; this method returns after that, with no process left
 * behind. conmon's {@code -T} stays as a backstop, a few seconds later, for when rocket-cri
 * itself dies mid-exec.
 */
final class ConmonExecSync {

	/** How long the killed group and conmon get to finish after our SIGKILL. */
	private static final Duration KILL_GRACE = Duration.ofSeconds(10);

	/** conmon's own timeout comes this much after ours. */
	private static final long BACKSTOP_EXTRA_SECONDS = 5;

	/** Bound for an exec without a timeout: the CRI allows none, our process runner wants one. */
	private static final Duration NO_TIMEOUT = Duration.ofDays(3650);

	private final ConmonLauncher launcher;

	private final HostOs host;

	private final StateLayout layout;

	ConmonExecSync(ConmonLauncher launcher, HostOs host, StateLayout layout) {
		this.launcher = launcher;
		this.host = host;
		this.layout = layout;
	}

	ExecResult run(ConmonContainer container, Path conmon, ExecRequest request) throws OciException {
		String id = container.id();
		String action = "exec " + request.command().getFirst() + " in container " + id;
		String execId = id + ".exec-" + UUID.randomUUID().toString().substring(0, 8);
		Path execDir = this.layout.persistDir(id).resolve("exec").resolve(execId);
		try {
			Files.createDirectories(execDir);
			Files.write(execDir.resolve("process.json"), processSpec(container.bundle(), request));
		}
		catch (IOException ex) {
			deleteQuietly(execDir);
			throw new OciException(action + ": preparing the process spec: " + ex.getMessage(), Reason.FAILED, ex);
		}
		boolean timed = !request.timeout().isZero();
		long backstop = timed ? request.timeout().toSeconds() + 1 + BACKSTOP_EXTRA_SECONDS : 0;
		List<String> argv = ConmonArgs.exec(conmon, container, execId, execDir, request.tty(), backstop, this.layout);
		Path runcLog = this.layout.persistDir(id).resolve("runc.log");
		long runcLogStart = RuntimeMessages.sizeOf(runcLog);
		long started = System.nanoTime();
		Duration limit = timed ? request.timeout().plus(ConmonOciRuntime.CREATE_TIMEOUT) : NO_TIMEOUT;
		try (ConmonLauncher.Launch launch = this.launcher.launch(execId, argv, execDir, 2, limit)) {
			SyncFifo.Message pid = awaitMessage(launch, ConmonOciRuntime.CREATE_TIMEOUT, action, argv);
			if (pid == null || pid.failed()) {
				String said = pid != null ? pid.message() : stderrOf(launch);
				String text = join(RuntimeMessages.fromStderr(said), RuntimeMessages.fromJsonLog(runcLog, runcLogStart));
				text = text.isBlank() ? "conmon exited without starting the process" : text;
				throw new OciException(action + ": " + text, OciException.classify(text), argv, -1, text, null);
			}
			SyncFifo.Message exit;
			boolean timedOut = false;
			try {
				Duration wait = timed ? request.timeout().minusNanos(System.nanoTime() - started) : NO_TIMEOUT;
				exit = launch.sync().next(wait.isNegative() ? Duration.ZERO : wait);
			}
			catch (TimeoutException ex) {
				timedOut = true;
				killGroup(pid.value());
				exit = awaitMessage(launch, KILL_GRACE, action, argv);
			}
			awaitConmon(launch);
			if (exit == null && !timedOut) {
				throw new OciException(action + ": conmon exited without reporting an exit code: " + stderrOf(launch),
						Reason.FAILED, argv, -1, stderrOf(launch), null);
			}
			CriLogSplitter.Output output = CriLogSplitter.split(readLog(execDir.resolve("output.log")));
			return new ExecResult(timedOut ? -1 : exit.value(), output.stdout(), output.stderr(), timedOut);
		}
		catch (IOException ex) {
			if (ex instanceof OciException oci) {
				throw oci;
			}
			throw new OciException(action + ": running conmon: " + ex.getMessage(), Reason.FAILED, argv, -1, "", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new OciException(action + ": interrupted", Reason.FAILED, ex);
		}
		finally {
			deleteQuietly(execDir);
		}
	}

	/**
	 * The container's own process with the command as its arguments: same user, environment,
	 * working directory, capabilities, rlimits and security settings.
	 */
	byte[] processSpec(Path bundle, ExecRequest request) throws IOException {
		JsonNode config = Json.read(bundle.resolve("config.json"));
		if (!(config.get("process") instanceof ObjectNode original)) {
			throw new IOException(bundle.resolve("config.json") + " has no process");
		}
		ObjectNode process = original.deepCopy();
		ArrayNode args = process.putArray("args");
		request.command().forEach(args::add);
		process.put("terminal", request.tty());
		if (request.tty() && !process.has("consoleSize")) {
			process.putObject("consoleSize").put("height", 24).put("width", 80);
		}
		return Json.MAPPER.writeValueAsBytes(process);
	}

	/** The next message; on timeout conmon is killed (it is ours: {@code --sync}) and null returned. */
	private SyncFifo.Message awaitMessage(ConmonLauncher.Launch launch, Duration timeout, String action,
			List<String> argv) throws IOException, InterruptedException {
		try {
			return launch.sync().next(timeout);
		}
		catch (TimeoutException ex) {
			launch.pid().ifPresent((pid) -> {
				try {
					this.host.kill(pid, HostOs.SIGKILL);
				}
				catch (IOException gone) {
					// exited meanwhile
				}
			});
			throw new OciException(action + ": conmon reported nothing within " + timeout.toSeconds() + " s",
					Reason.TIMED_OUT, argv, -1, "", ex);
		}
	}

	/**
	 * SIGKILL to the exec's process group when it leads one (runc exec makes it a session
	 * leader), else to the process alone: its group could be conmon's.
	 */
	private void killGroup(int pid) {
		int target = ProcStat.read(pid).map((stat) -> stat.processGroup() == pid ? -pid : pid).orElse(pid);
		try {
			this.host.kill(target, HostOs.SIGKILL);
		}
		catch (HostOsException ex) {
			// ESRCH: it ended by itself just now; conmon reports that exit instead
		}
		catch (IOException ex) {
			// nothing better to do: conmon's own timeout comes a few seconds later
		}
	}

	private static void awaitConmon(ConmonLauncher.Launch launch) throws IOException {
		try {
			launch.awaitProcess(KILL_GRACE);
		}
		catch (TimeoutException ex) {
			// conmon wrote its last message and is exiting; the runner reaps it when it does
		}
	}

	private static String stderrOf(ConmonLauncher.Launch launch) {
		try {
			CommandRunner.Result result = launch.awaitProcess(KILL_GRACE);
			return RuntimeMessages.fromStderr(result.stderrText());
		}
		catch (IOException | TimeoutException ex) {
			return "";
		}
	}

	private static byte[] readLog(Path log) throws IOException {
		try {
			return Files.readAllBytes(log);
		}
		catch (NoSuchFileException ex) {
			return new byte[0];
		}
	}

	private static String join(String a, String b) {
		if (a.isBlank()) {
			return b;
		}
		return b.isBlank() || a.contains(b) ? a : a + "; " + b;
	}

	private static void deleteQuietly(Path dir) {
		try {
			ConmonOciRuntime.deleteTree(dir);
		}
		catch (IOException ex) {
			// removed with the container's persist directory at delete
		}
	}

}
