package io.rocketcri.engine.oci;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.rocketcri.engine.HostOs;
import io.rocketcri.engine.StreamingProcess;
import io.rocketcri.engine.stdio.NativeIo;
import io.rocketcri.engine.stdio.SharedFd;

/**
 * A streaming exec: {@code runc exec --process} in the foreground as our child, its stdio ours.
 *
 * <h2>Why runc directly, not conmon</h2>
 * The output goes straight to the client: no log file of 100 MB, no attach socket that could
 * drop the first bytes before we connect, and runc's exit code is the process's (128 + signal
 * when killed). conmon's exec-attach mode would need two more inherited pipes.
 *
 * <h2>Terminal</h2>
 * With a TTY, runc is given the slave of a pty we open as stdin, stdout and stderr. runc then
 * makes the container's own terminal, sets ours raw and copies between the two; it reads the
 * window size from ours when it gets SIGWINCH. So a resize is TIOCSWINSZ on our master plus
 * SIGWINCH to runc. Without a TTY, stdout and stderr are pipes, stdin a pipe or /dev/null.
 *
 * <h2>Ending</h2>
 * runc exits after the process has exited and its output was copied; our readers then see
 * end-of-file (pipes) or EIO (the pty master once every slave descriptor is closed). On
 * {@link #close} before that, the exec process's group gets SIGKILL (runc made it a session
 * leader) and runc exits by itself; should it not within {@link #RUNC_GRACE}, it is killed too.
 *
 * <p>Threads: one platform thread per output stream; stdin is written by the caller's thread.
 */
final class RuncStreamingExec implements StreamingProcess {

	private static final int CHUNK = 32 * 1024;

	private static final Duration RUNC_GRACE = Duration.ofSeconds(5);

	private final String name;

	private final Process runc;

	private final Path execDir;

	private final HostOs host;

	/** The pty master, null without a terminal. */
	private final SharedFd master;

	/** True until stdin is closed; holds a {@link #master} reference while true (terminal only). */
	private final AtomicBoolean stdinOpen;

	private final AtomicBoolean closed = new AtomicBoolean();

	private final AtomicBoolean started = new AtomicBoolean();

	private final CompletableFuture<OptionalInt> done = new CompletableFuture<>();

	private RuncStreamingExec(String name, Process runc, Path execDir, HostOs host, SharedFd master, boolean stdin) {
		this.name = name;
		this.runc = runc;
		this.execDir = execDir;
		this.host = host;
		this.master = master;
		this.stdinOpen = new AtomicBoolean(stdin);
		if (master != null && stdin) {
			master.acquire();
		}
		runc.onExit().whenComplete((p, ex) -> deleteQuietly(execDir));
	}

	/**
	 * Starts {@code runc exec} for the process described by {@code processJson}.
	 * @param execDir a fresh directory for process.json and the pid file, removed when runc exits
	 */
	static RuncStreamingExec start(ConmonContainer container, Path runtimeRoot, Path runcLog, Path execDir,
			byte[] processJson, boolean tty, boolean stdin, HostOs host) throws IOException {
		Files.createDirectories(execDir);
		Files.write(execDir.resolve("process.json"), processJson);
		List<String> argv = new ArrayList<>(List.of(container.runtimeBinary().toString(), "--root",
				runtimeRoot.toString(), "--log", runcLog.toString(), "--log-format", "json", "exec", "--process",
				execDir.resolve("process.json").toString(), "--pid-file", execDir.resolve("pid").toString(),
				container.id()));
		ProcessBuilder builder = new ProcessBuilder(argv).directory(execDir.toFile());
		NativeIo.Pty pty = null;
		try {
			if (tty) {
				pty = NativeIo.openPty(80, 24);
				File slave = pty.slave().toFile();
				builder.redirectInput(slave).redirectOutput(ProcessBuilder.Redirect.appendTo(slave))
					.redirectError(ProcessBuilder.Redirect.appendTo(slave));
			}
			else {
				builder.redirectInput(stdin ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(new File("/dev/null")));
			}
			Process process = builder.start();
			return new RuncStreamingExec(execDir.getFileName().toString(), process, execDir, host,
					pty != null ? new SharedFd(pty.master()) : null, stdin);
		}
		catch (IOException | RuntimeException ex) {
			if (pty != null) {
				NativeIo.close(pty.master());
			}
			deleteQuietly(execDir);
			throw ex;
		}
	}

	@Override
	public CompletableFuture<OptionalInt> start(Output output) {
		if (!this.started.compareAndSet(false, true)) {
			throw new IllegalStateException("exec " + this.name + " already started");
		}
		List<Thread> readers = new ArrayList<>();
		if (this.master != null) {
			readers.add(Thread.ofPlatform().name("exec-tty-" + this.name).daemon().unstarted(() -> readPty(output)));
		}
		else {
			readers.add(Thread.ofPlatform().name("exec-out-" + this.name).daemon()
				.unstarted(() -> io.rocketcri.engine.stdio.OutputPump.pump(this.runc.getInputStream(), output, false)));
			readers.add(Thread.ofPlatform().name("exec-err-" + this.name).daemon()
				.unstarted(() -> io.rocketcri.engine.stdio.OutputPump.pump(this.runc.getErrorStream(), output, true)));
		}
		readers.forEach(Thread::start);
		Thread.ofPlatform().name("exec-wait-" + this.name).daemon().start(() -> {
			try {
				for (Thread reader : readers) {
					reader.join();
				}
				int code = this.runc.waitFor();
				this.done.complete(OptionalInt.of(code));
			}
			catch (InterruptedException ex) {
				this.done.completeExceptionally(ex);
			}
		});
		return this.done;
	}


	private void readPty(Output output) {
		boolean delivering = true;
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment segment = arena.allocate(CHUNK);
			byte[] buffer = new byte[CHUNK];
			while (true) {
				int n = NativeIo.read(this.master.fd(), segment);
				if (n <= 0) {
					break;
				}
				if (delivering) {
					MemorySegment.copy(segment, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, buffer, 0, n);
					try {
						output.stdout(buffer, 0, n);
					}
					catch (IOException ex) {
						delivering = false;
					}
				}
			}
		}
		catch (IOException ex) {
			// the terminal went away
		}
		finally {
			this.master.release();
		}
	}

	@Override
	public boolean hasStdin() {
		return this.stdinOpen.get();
	}

	@Override
	public void writeStdin(byte[] data, int offset, int length) throws IOException {
		if (!this.stdinOpen.get()) {
			throw new IOException("exec " + this.name + ": stdin is closed");
		}
		if (this.master != null) {
			if (!this.master.acquire()) {
				throw new IOException("exec " + this.name + ": the terminal is closed");
			}
			try {
				NativeIo.write(this.master.fd(), data, offset, length);
			}
			finally {
				this.master.release();
			}
		}
		else {
			OutputStream stdin = this.runc.getOutputStream();
			stdin.write(data, offset, length);
			stdin.flush();
		}
	}

	@Override
	public void closeStdin() {
		if (!this.stdinOpen.compareAndSet(true, false)) {
			return;
		}
		if (this.master != null) {
			// a terminal has no end-of-file of its own: we just stop writing
			this.master.release();
		}
		else {
			try {
				this.runc.getOutputStream().close();
			}
			catch (IOException ex) {
				// the process is gone already
			}
		}
	}

	@Override
	public void resize(int width, int height) {
		if (this.master == null || width <= 0 || height <= 0 || !this.master.acquire()) {
			return;
		}
		try {
			NativeIo.setWindowSize(this.master.fd(), width, height);
			if (this.runc.isAlive()) {
				this.host.kill((int) this.runc.pid(), SIGWINCH);
			}
		}
		catch (IOException ex) {
			// the process is ending
		}
		finally {
			this.master.release();
		}
	}

	private static final int SIGWINCH = 28;

	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		if (this.runc.isAlive()) {
			killExecProcess();
		}
		closeStdin();
		if (!this.started.get() && this.master != null) {
			// no reader took over the owner's reference
			this.master.release();
		}
		this.runc.onExit().completeOnTimeout(this.runc, RUNC_GRACE.toMillis(), TimeUnit.MILLISECONDS).thenRun(() -> {
			if (this.runc.isAlive()) {
				this.runc.destroyForcibly();
			}
		});
	}

	/** SIGKILL to the exec process's group, found through the pid file runc wrote; runc itself when there is none yet. */
	private void killExecProcess() {
		Path pidFile = this.execDir.resolve("pid");
		int pid = -1;
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
		while (pid < 0 && this.runc.isAlive() && System.nanoTime() < deadline) {
			try {
				pid = Integer.parseInt(Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
			}
			catch (IOException | NumberFormatException ex) {
				ConmonOciRuntime.sleepQuietly(Duration.ofMillis(10));
			}
		}
		if (pid <= 0) {
			this.runc.destroyForcibly();
			return;
		}
		int leader = pid;
		int target = ProcStat.read(pid).map((stat) -> stat.processGroup() == leader ? -leader : leader).orElse(leader);
		try {
			this.host.kill(target, HostOs.SIGKILL);
		}
		catch (IOException ex) {
			// it has just exited by itself
		}
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
