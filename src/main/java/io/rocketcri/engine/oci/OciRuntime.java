package io.rocketcri.engine.oci;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import io.rocketcri.engine.StreamingProcess;

/**
 * Runs OCI containers: one bundle (a {@code config.json} and its root file system, written by the
 * caller) becomes one container process, watched by a monitor that outlives the runtime.
 *
 * <h2>Lifecycle of one container id</h2>
 * <pre>
 *             create                start               process exits (or kill)
 *   (none) ──────────► CREATED ──────────► RUNNING ──────────────────────────► STOPPED
 *      ▲                  │                                                       │
 *      │                  └──── kill ──► STOPPED (the waiting init process dies)  │
 *      └──────────────────────────────── delete ─────────────────────────────────┘
 *                                   (delete(force) from any state)
 * </pre>
 * <ul>
 * <li>{@link #create} returns once the OCI runtime has set the container up: namespaces, mounts
 * and cgroup exist, the process waits in the runtime's init and has not run the user's program.
 * The monitor is already running and owns the process's output (the CRI log file) and its exit.</li>
 * <li>{@link #start} runs the program. {@link #state} reports {@code created}, {@code running},
 * {@code stopped} or {@code paused} as the OCI runtime sees it.</li>
 * <li>When the process exits, the monitor records its exit status: {@link #exitStatus} turns from
 * empty to present exactly once, and {@link #awaitExit} returns. The status survives a restart of
 * the runtime that created the container, until {@link #delete}.</li>
 * <li>{@link #execSync} runs another process in a running container and waits for it;
 * {@link #reopenLog} makes the monitor reopen the log file after kubelet rotated it;
 * {@link #updateResources} changes cgroup limits of a created or running container.</li>
 * <li>{@link #delete} removes the container and everything the runtime kept about it; deleting an
 * id that does not exist succeeds (kubelet retries removals).</li>
 * </ul>
 *
 * <h2>Failures</h2>
 * Every method that talks to the OCI runtime throws {@link OciException} carrying the command, its
 * exit code and what it printed. {@link OciException#notFound()} is true when the id is unknown
 * (for {@link #kill}, {@link #start}, {@link #state}, {@link #execSync}, {@link #updateResources},
 * {@link #reopenLog}); {@link OciException#notRunning()} when the call needs a running process and
 * the container has none.
 *
 * <h2>Threads</h2>
 * Implementations are safe to call from any thread, virtual threads included, and calls for
 * different ids may run in parallel. Calls for the same id are not ordered by the runtime: the
 * caller serialises the lifecycle of one container.
 */
public interface OciRuntime {

	/**
	 * {@code runc create} under a new conmon, after which the container is CREATED (its process
	 * waits in {@code runc init}). Returns when {@code runc create} has finished.
	 * @throws OciException with {@link OciException#alreadyExists()} when the id is taken, or the
	 * runtime's own error text when it refused the bundle
	 */
	CreatedContainer create(CreateRequest request) throws OciException;

	/** {@code runc start}: runs the program of a CREATED container. */
	void start(String id) throws OciException;

	/**
	 * Sends {@code signal} to the container's init process, or to all its processes when
	 * {@code all} is set (needed when the container shares a PID namespace).
	 * @throws OciException {@link OciException#notFound()} when the id is gone,
	 * {@link OciException#notRunning()} when it has already stopped
	 */
	void kill(String id, int signal, boolean all) throws OciException;

	/** What the OCI runtime says about the container. */
	ContainerState state(String id) throws OciException;

	/**
	 * Removes the container. Without {@code force} it must be stopped (or still created); with
	 * {@code force} a running container is killed first. An unknown id is fine.
	 */
	void delete(String id, boolean force) throws OciException;

	/** The exit status recorded by the monitor, empty while the process has not exited. */
	Optional<ExitStatus> exitStatus(String id);

	/**
	 * Waits until the container's process has exited and the monitor has recorded it.
	 * @throws TimeoutException when it is still running after {@code timeout}
	 * @throws OciException when the id is unknown, or its monitor died without recording an exit
	 */
	ExitStatus awaitExit(String id, Duration timeout) throws OciException, TimeoutException;

	/**
	 * Runs {@code request.command()} in the running container, with the container's process
	 * settings (user, env, cwd, capabilities) and waits for it. A timeout is a result
	 * ({@link ExecResult#timedOut()}), not an exception: the process group is killed and reaped
	 * before this returns.
	 */
	ExecResult execSync(String id, ExecRequest request) throws OciException;

	/**
	 * Starts {@code command} in the running container for a client to stream to and from, with
	 * the container's process settings, as {@link #execSync} does. Returns once the process runs;
	 * see {@link StreamingProcess} for what the caller must do then.
	 * @param tty whether the process gets a terminal (its output then all arrives as stdout)
	 * @param stdin whether the process reads stdin from the client (else /dev/null)
	 * @throws OciException {@link OciException#notFound()} when the id is unknown
	 */
	StreamingProcess exec(String id, List<String> command, boolean tty, boolean stdin) throws OciException;

	/**
	 * Connects to the running container's stdio through its monitor. The container goes on when
	 * the returned session is closed.
	 * @param stdin whether to send stdin (only useful when the container was created with stdin)
	 * @throws OciException {@link OciException#notFound()} when the id is unknown,
	 * {@link OciException#notRunning()} when its monitor is gone
	 */
	StreamingProcess attach(String id, boolean stdin) throws OciException;

	/**
	 * {@code runc update --resources -}: applies an OCI {@code LinuxResources} JSON document to the
	 * container's cgroups.
	 */
	void updateResources(String id, String linuxResourcesJson) throws OciException;

	/**
	 * Makes the monitor close and reopen the container's log file (kubelet renamed it when it
	 * rotated); returns once the file exists again. No-op for a container created without a log.
	 * @throws OciException {@link OciException#notRunning()} when the monitor is gone (the
	 * container exited), in which case no new file is created
	 */
	void reopenLog(String id) throws OciException;


	/**
	 * The ids that have an exit status now (one directory read), so that a caller checking many
	 * containers reads only their files; null when the runtime cannot tell cheaply.
	 */
	default java.util.Set<String> idsWithExitStatus() {
		return null;
	}

	/**
	 * The exit to report for a container whose conmon died without writing an exit status while
	 * its process is gone too; empty in every other case. Costs a few file reads: for the periodic
	 * exit check, not for every status or list call.
	 */
	default Optional<ExitStatus> lostMonitorExit(String id) {
		return Optional.empty();
	}

	/**
	 * At boot, before any call: kills launch helpers a killed runtime left blocked (a shell
	 * waiting to open its sync FIFO, whose reader died) and removes their files.
	 */
	default void releaseOrphanLaunches() {
	}

}
