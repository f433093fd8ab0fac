package io.rocketcri.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.StatusRuntimeException;
import io.rocketcri.cri.api.VersionRequest;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.RuntimeUnderTest;

/**
 * rocket-cri in a JVM of its own, on the roots of a {@link RuntimeUnderTest}, so that a test can
 * {@code kill -9} it (an in-process Spring context can only be closed politely) and start it
 * again on the same roots. Its output goes to {@code <base>/runtime-<n>.log}.
 */
final class ChildRuntime implements AutoCloseable {

	private final RuntimeUnderTest runtime;

	private final List<String> extraArgs;

	private Process process;

	private int starts;

	ChildRuntime(RuntimeUnderTest runtime, String... extraArgs) {
		this.runtime = runtime;
		this.extraArgs = List.of(extraArgs);
	}

	/** Starts the JVM; does not wait for it to answer (see {@link #awaitReady}). */
	synchronized void start() {
		if (process != null && process.isAlive()) {
			throw new IllegalStateException("rocket-cri already runs as pid " + process.pid());
		}
		starts++;
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		// surefire runs tests from a manifest-only jar; its real class path is in this property
		String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		List<String> argv = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
				"-XX:TieredStopAtLevel=1", "-cp", classPath, "io.rocketcri.RocketCriApplication",
				"--rocket.root=" + runtime.root(), "--rocket.state=" + runtime.state(),
				"--rocket.cri.socket=unix://" + runtime.socket(),
				"--rocket.image.registries-config=" + runtime.registriesConf(),
				"--rocket.network.cni-config-dir=" + runtime.cniConfigDir(), "--server.port=0"));
		argv.addAll(extraArgs);
		try {
			process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log(starts).toFile()).start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("starting rocket-cri: " + ex.getMessage(), ex);
		}
	}

	/** The log of the {@code n}th start (1-based). */
	Path log(int n) {
		return runtime.root().getParent().resolve("runtime-" + n + ".log");
	}

	Path currentLog() {
		return log(starts);
	}

	/**
	 * Waits until the runtime answers Version (the boot gate is open), calling it all the while:
	 * before the socket exists calls fail to connect, after it they must be UNAVAILABLE.
	 * @return how long it took
	 */
	Duration awaitReady(CriSocketClient client, Duration limit) throws InterruptedException {
		long start = System.nanoTime();
		long deadline = start + limit.toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException("rocket-cri exited with " + process.exitValue() + "; see " + currentLog());
			}
			try {
				client.runtime().withDeadlineAfter(2, TimeUnit.SECONDS).version(VersionRequest.getDefaultInstance());
				return Duration.ofNanos(System.nanoTime() - start);
			}
			catch (StatusRuntimeException ex) {
				Thread.sleep(50);
			}
		}
		throw new IllegalStateException("rocket-cri did not become ready within " + limit + "; see " + currentLog());
	}

	long pid() {
		return process.pid();
	}

	boolean isAlive() {
		return process != null && process.isAlive();
	}

	/** SIGKILL, as the OOM killer does it: no shutdown hook, no graceful anything. */
	void kill9() throws InterruptedException {
		process.destroyForcibly(); // SIGKILL on Linux
		if (!process.waitFor(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("rocket-cri " + process.pid() + " survived SIGKILL");
		}
	}

	/** SIGTERM and wait; SIGKILL if it hangs. */
	@Override
	public void close() throws InterruptedException {
		if (process == null || !process.isAlive()) {
			return;
		}
		process.destroy();
		if (!process.waitFor(30, TimeUnit.SECONDS)) {
			kill9();
		}
	}

	String tail(int lines) {
		try {
			List<String> all = Files.readAllLines(currentLog());
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

}
