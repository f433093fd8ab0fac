package io.rocketcri.engine.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import io.rocketcri.engine.oci.OciException.Reason;

/**
 * An in-memory {@link OciRuntime} for tests of the layers above: no process runs.
 *
 * <ul>
 * <li>{@link #create} needs {@code config.json} in the bundle (as the real one does) and hands
 * out increasing fake pids; {@link #start} makes the container running.</li>
 * <li>{@link #kill} with a signal that kills (9, 15, 2, 1, 3) stops a running or created
 * container with exit code 128 + signal, as a process without handlers would; other signals are
 * only recorded. {@link #exit} and {@link #oom} make the "process" end by itself.</li>
 * <li>{@link #execSync} answers from {@link #onExec}; by default exit 0, no output.</li>
 * <li>Failures carry the same {@link Reason}s the real runtime reports.</li>
 * </ul>
 * Thread-safe: every method is synchronized; {@link #awaitExit} waits on the monitor.
 */
public final class FakeOciRuntime implements OciRuntime {

	private static final class Container {

		String status = ContainerState.CREATED;

		final int pid;

		final int conmonPid;

		ExitStatus exit;

		Container(int pid, int conmonPid) {
			this.pid = pid;
			this.conmonPid = conmonPid;
		}

	}

	private final Map<String, Container> containers = new HashMap<>();

	private final AtomicInteger pids = new AtomicInteger(40_000);

	private final Clock clock;

	private BiFunction<String, ExecRequest, ExecResult> exec = (id, request) -> new ExecResult(0, new byte[0],
			new byte[0], false);

	private int reopenedLogs;

	public FakeOciRuntime() {
		this(Clock.systemUTC());
	}

	public FakeOciRuntime(Clock clock) {
		this.clock = clock;
	}

	/** What {@link #execSync} answers. */
	public synchronized FakeOciRuntime onExec(BiFunction<String, ExecRequest, ExecResult> answer) {
		this.exec = answer;
		return this;
	}

	/** The container's process exits by itself with {@code code}. */
	public synchronized void exit(String id, int code) {
		finish(require(id), code, false);
	}

	/** The OOM killer kills the container's process. */
	public synchronized void oom(String id) {
		finish(require(id), 137, true);
	}

	/** How often {@link #reopenLog} was called. */
	public synchronized int reopenedLogs() {
		return this.reopenedLogs;
	}

	@Override
	public synchronized CreatedContainer create(CreateRequest request) throws OciException {
		String id = StateLayout.checkId(request.id());
		if (this.containers.containsKey(id)) {
			throw new OciException("creating container " + id + ": the id is already in use", Reason.ALREADY_EXISTS,
					null);
		}
		if (!Files.isRegularFile(request.bundle().resolve("config.json"))) {
			throw new OciException("creating container " + id + ": open " + request.bundle().resolve("config.json")
					+ ": no such file or directory", Reason.FAILED, null);
		}
		Container container = new Container(this.pids.incrementAndGet(), this.pids.incrementAndGet());
		this.containers.put(id, container);
		return new CreatedContainer(container.pid, container.conmonPid);
	}

	@Override
	public synchronized void start(String id) throws OciException {
		Container container = existing(id, "starting container");
		if (!container.status.equals(ContainerState.CREATED)) {
			throw new OciException("starting container " + id + ": cannot start a container that has stopped",
					Reason.NOT_RUNNING, null);
		}
		container.status = ContainerState.RUNNING;
	}

	@Override
	public synchronized void kill(String id, int signal, boolean all) throws OciException {
		Container container = existing(id, "sending signal " + signal + " to container");
		if (container.status.equals(ContainerState.STOPPED)) {
			throw new OciException("sending signal " + signal + " to container " + id + ": container not running",
					Reason.NOT_RUNNING, null);
		}
		if (signal == 9 || signal == 15 || signal == 2 || signal == 1 || signal == 3) {
			finish(container, 128 + signal, false);
		}
	}

	@Override
	public synchronized ContainerState state(String id) throws OciException {
		Container container = existing(id, "reading the state of container");
		return new ContainerState(container.status, container.status.equals(ContainerState.STOPPED) ? 0 : container.pid);
	}

	@Override
	public synchronized void delete(String id, boolean force) throws OciException {
		Container container = this.containers.get(id);
		if (container == null) {
			return;
		}
		if (container.status.equals(ContainerState.RUNNING) && !force) {
			throw new OciException("deleting container " + id + ": cannot delete container " + id
					+ " that is not stopped: running", Reason.NOT_STOPPED, null);
		}
		this.containers.remove(id);
		notifyAll();
	}

	@Override
	public synchronized Optional<ExitStatus> exitStatus(String id) {
		Container container = this.containers.get(id);
		return container != null ? Optional.ofNullable(container.exit) : Optional.empty();
	}

	@Override
	public synchronized ExitStatus awaitExit(String id, Duration timeout) throws OciException, TimeoutException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			Container container = existing(id, "waiting for the exit of container");
			if (container.exit != null) {
				return container.exit;
			}
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				throw new TimeoutException("container " + id + " still running after " + timeout.toMillis() + " ms");
			}
			try {
				wait(Math.max(1, remaining / 1_000_000));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new OciException("waiting for container " + id + " to exit: interrupted", Reason.FAILED, ex);
			}
		}
	}

	@Override
	public synchronized ExecResult execSync(String id, ExecRequest request) throws OciException {
		Container container = existing(id, "exec in container");
		if (!container.status.equals(ContainerState.RUNNING)) {
			throw new OciException("exec in container " + id + ": cannot exec in a stopped container",
					Reason.NOT_RUNNING, null);
		}
		return this.exec.apply(id, request);
	}

	/** Streaming needs real processes: the fake knows the id but runs nothing. */
	@Override
	public synchronized io.rocketcri.engine.StreamingProcess exec(String id, java.util.List<String> command,
			boolean tty, boolean stdin) throws OciException {
		existing(id, "exec in container");
		throw new OciException("exec in container " + id + ": the fake runtime does not stream", Reason.FAILED, null);
	}

	@Override
	public synchronized io.rocketcri.engine.StreamingProcess attach(String id, boolean stdin) throws OciException {
		existing(id, "attaching to container");
		throw new OciException("attaching to container " + id + ": the fake runtime does not stream", Reason.FAILED,
				null);
	}

	@Override
	public synchronized void updateResources(String id, String linuxResourcesJson) throws OciException {
		existing(id, "updating resources of container");
	}

	@Override
	public synchronized void reopenLog(String id) throws OciException {
		Container container = existing(id, "reopening the log of container");
		if (container.status.equals(ContainerState.STOPPED)) {
			throw new OciException("reopening the log of container " + id + ": conmon is not running",
					Reason.NOT_RUNNING, null);
		}
		this.reopenedLogs++;
	}

	private void finish(Container container, int code, boolean oom) {
		if (container.exit == null) {
			container.status = ContainerState.STOPPED;
			container.exit = new ExitStatus(code, Instant.now(this.clock), oom);
			notifyAll();
		}
	}

	private Container existing(String id, String action) throws OciException {
		Container container = this.containers.get(StateLayout.checkId(id));
		if (container == null) {
			throw new OciException(action + " " + id + ": container does not exist", Reason.NOT_FOUND, null);
		}
		return container;
	}

	private Container require(String id) {
		Container container = this.containers.get(id);
		if (container == null) {
			throw new IllegalArgumentException("no container " + id);
		}
		return container;
	}

}
