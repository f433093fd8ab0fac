package io.rocketcri.engine.oci;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.rocketcri.engine.ExecutableLocator;
import io.rocketcri.engine.LinuxHostOs;
import io.rocketcri.engine.ProcessCommandRunner;
import io.rocketcri.testsupport.BusyboxBundle;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container's whole life through {@link ConmonOciRuntime} (create under conmon, start, SIGKILL,
 * wait for conmon's exit file, delete) next to the bare runc floor (create, start, kill, delete
 * --force, stdio to /dev/null, no monitor), on the same busybox bundle in one run. Prints the
 * medians; asserts no time (these machines are shared and noisy).
 *
 * <p>Run: {@code ./mvnw test -Dgroups=benchmark -DexcludedGroups= -Dtest=ConmonLifecycleBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
@Tag("host")
class ConmonLifecycleBenchmark {

	private static final int WARMUP = 3;

	private static final int RUNS = 10;

	@TempDir
	Path dir;

	@Test
	void lifecycleAgainstBareRunc() throws Exception {
		Path runc = new ExecutableLocator(List.of()).find("runc").orElseThrow();
		Path bareRoot = this.dir.resolve("bare-root");
		long[] bare = new long[RUNS];
		for (int i = -WARMUP; i < RUNS; i++) {
			String id = "bare" + UUID.randomUUID().toString().substring(0, 8);
			Path bundle = BusyboxBundle.builder(this.dir.resolve(id), id).write();
			long start = System.nanoTime();
			run(runc.toString(), "--root", bareRoot.toString(), "create", "--bundle", bundle.toString(), id);
			run(runc.toString(), "--root", bareRoot.toString(), "start", id);
			run(runc.toString(), "--root", bareRoot.toString(), "kill", id, "9");
			run(runc.toString(), "--root", bareRoot.toString(), "delete", "--force", id);
			if (i >= 0) {
				bare[i] = System.nanoTime() - start;
			}
		}

		long[] ours = new long[RUNS];
		Map<String, long[]> steps = Map.of("create", new long[RUNS], "start", new long[RUNS], "kill+awaitExit",
				new long[RUNS], "delete", new long[RUNS]);
		try (ConmonOciRuntime runtime = new ConmonOciRuntime(this.dir.resolve("state"), new ProcessCommandRunner(),
				new LinuxHostOs(), new ExecutableLocator(List.of()))) {
			for (int i = -WARMUP; i < RUNS; i++) {
				String id = "ours" + UUID.randomUUID().toString().substring(0, 8);
				Path bundle = BusyboxBundle.builder(this.dir.resolve(id), id).write();
				long t0 = System.nanoTime();
				runtime.create(CreateRequest.of(id, bundle, this.dir.resolve(id + ".log")));
				long t1 = System.nanoTime();
				runtime.start(id);
				long t2 = System.nanoTime();
				runtime.kill(id, 9, false);
				runtime.awaitExit(id, Duration.ofSeconds(10));
				long t3 = System.nanoTime();
				runtime.delete(id, false);
				long t4 = System.nanoTime();
				if (i >= 0) {
					ours[i] = t4 - t0;
					steps.get("create")[i] = t1 - t0;
					steps.get("start")[i] = t2 - t1;
					steps.get("kill+awaitExit")[i] = t3 - t2;
					steps.get("delete")[i] = t4 - t3;
				}
			}
		}

		StringBuilder report = new StringBuilder("LIFECYCLE BENCHMARK (p50 of %d runs, %d cores)%n".formatted(RUNS,
				Runtime.getRuntime().availableProcessors()));
		report.append("  bare runc create/start/kill/delete --force: %6.1f ms%n".formatted(p50(bare)));
		report.append("  ConmonOciRuntime create/start/kill/awaitExit/delete: %6.1f ms (%.2fx)%n".formatted(p50(ours),
				p50(ours) / p50(bare)));
		for (String step : List.of("create", "start", "kill+awaitExit", "delete")) {
			report.append("    %-15s %6.1f ms%n".formatted(step, p50(steps.get(step))));
		}
		System.out.print(report);
	}

	private static void run(String... argv) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		if (process.waitFor() != 0) {
			throw new IOException(String.join(" ", argv) + " exited " + process.exitValue());
		}
	}

	private static double p50(long[] nanos) {
		long[] sorted = nanos.clone();
		Arrays.sort(sorted);
		return (sorted[(sorted.length - 1) / 2] + sorted[sorted.length / 2]) / 2.0 / 1e6;
	}

}
