package io.rocketcri.engine.rkt;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.rocketcri.engine.StreamingProcess;

/**
 * CRI Exec without a terminal as {@code rkt app exec}: its stdout and stderr pipes are the
 * client's streams, its exit code the exec's. Runs outside {@link io.rocketcri.engine.CommandRunner}
 * because a streaming client needs the pipes while the command runs, as runc's streaming exec
 * does. {@link #close} before the end kills rkt and what it started (the process entered into
 * the pod is rkt's descendant).
 *
 * <p>Threads: one platform thread per output stream, one that waits; stdin is written by the
 * caller's thread.
 */
final class RktStreamingExec implements StreamingProcess {

	private final String name;

	private final Process rkt;

	private final AtomicBoolean stdinOpen;

	private final AtomicBoolean started = new AtomicBoolean();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final CompletableFuture<OptionalInt> done = new CompletableFuture<>();

	private RktStreamingExec(String name, Process rkt, boolean stdin) {
		this.name = name;
		this.rkt = rkt;
		this.stdinOpen = new AtomicBoolean(stdin);
	}

	static RktStreamingExec start(String name, List<String> argv, Map<String, String> env, boolean stdin)
			throws IOException {
		ProcessBuilder builder = new ProcessBuilder(argv);
		builder.environment().putAll(env);
		builder.redirectInput(stdin ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(new File("/dev/null")));
		return new RktStreamingExec(name, builder.start(), stdin);
	}

	@Override
	public CompletableFuture<OptionalInt> start(Output output) {
		if (!started.compareAndSet(false, true)) {
			throw new IllegalStateException("exec " + name + " already started");
		}
		Thread out = Thread.ofPlatform().name("rkt-exec-out-" + name).daemon()
			.start(() -> io.rocketcri.engine.stdio.OutputPump.pump(rkt.getInputStream(), output, false));
		Thread err = Thread.ofPlatform().name("rkt-exec-err-" + name).daemon()
			.start(() -> io.rocketcri.engine.stdio.OutputPump.pump(rkt.getErrorStream(), output, true));
		Thread.ofPlatform().name("rkt-exec-wait-" + name).daemon().start(() -> {
			try {
				int code = rkt.waitFor();
				// after close, a process that escaped the kill may still hold the pipes: stop waiting for them
				long closedAt = 0;
				while (out.isAlive() || err.isAlive()) {
					out.join(Duration.ofMillis(100));
					err.join(Duration.ofMillis(100));
					if (closed.get()) {
						closedAt = closedAt == 0 ? System.nanoTime() : closedAt;
						if (System.nanoTime() - closedAt > Duration.ofSeconds(2).toNanos()) {
							break;
						}
					}
				}
				done.complete(OptionalInt.of(code));
			}
			catch (InterruptedException ex) {
				done.completeExceptionally(ex);
			}
		});
		return done;
	}


	@Override
	public boolean hasStdin() {
		return stdinOpen.get();
	}

	@Override
	public void writeStdin(byte[] data, int offset, int length) throws IOException {
		if (!stdinOpen.get()) {
			throw new IOException("exec " + name + ": stdin is closed");
		}
		OutputStream stdin = rkt.getOutputStream();
		stdin.write(data, offset, length);
		stdin.flush();
	}

	@Override
	public void closeStdin() {
		if (stdinOpen.compareAndSet(true, false)) {
			try {
				rkt.getOutputStream().close();
			}
			catch (IOException ex) {
				// the process is gone already
			}
		}
	}

	/** Without a terminal there is no size to set. */
	@Override
	public void resize(int width, int height) {
	}

	@Override
	public void close() {
		if (!closed.compareAndSet(false, true)) {
			return;
		}
		closeStdin();
		if (rkt.isAlive()) {
			// children first, so that none is reparented before it is seen; rkt last
			rkt.descendants().forEach(ProcessHandle::destroyForcibly);
			rkt.destroyForcibly();
			rkt.descendants().forEach(ProcessHandle::destroyForcibly);
		}
		rkt.onExit().completeOnTimeout(rkt, Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
	}

}
