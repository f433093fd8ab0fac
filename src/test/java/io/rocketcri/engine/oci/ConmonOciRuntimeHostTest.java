package io.rocketcri.engine.oci;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.rocketcri.config.Json;
import io.rocketcri.engine.ExecutableLocator;
import io.rocketcri.engine.LinuxHostOs;
import io.rocketcri.engine.ProcessCommandRunner;
import io.rocketcri.testsupport.BusyboxBundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The conmon + runc runtime against the real tools (runc 1.1, conmon 2.1.6, busybox-static), as
 * root. Containers get cgroups under {@code /rocket-cri-test/}.
 */
@Tag("host")
class ConmonOciRuntimeHostTest extends OciRuntimeContractTest {

	/** {@code <RFC 3339 with nanoseconds and offset> <stream> <tag> <content>}, as conmon writes it. */
	private static final Pattern CRI_LOG_LINE = Pattern
		.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}([+-]\\d\\d:\\d\\d|Z) (stdout|stderr) [PF] .*");

	@TempDir
	static Path stateRoot;

	static ConmonOciRuntime runtime;

	@BeforeAll
	static void startRuntime() {
		runtime = new ConmonOciRuntime(stateRoot, new ProcessCommandRunner(), new LinuxHostOs(),
				new ExecutableLocator(List.of()));
	}

	@AfterAll
	static void stopRuntime() {
		runtime.close();
	}

	@Override
	OciRuntime runtime() {
		return runtime;
	}

	private Path bundle(String id, String... args) throws IOException {
		return BusyboxBundle.builder(this.dir.resolve(id), id).args(args).write();
	}

	@Test
	void aContainerRunsWritesTheCriLogAndReportsItsExitCode() throws Exception {
		String id = newId();
		Path log = this.dir.resolve("logs/" + id + "/0.log");
		Path bundle = bundle(id, "sh", "-c", "echo hello; echo oops >&2; printf abc; sleep 1; exit 3");

		CreatedContainer created = runtime.create(CreateRequest.of(id, bundle, log));
		assertThat(runtime.state(id)).isEqualTo(new ContainerState(ContainerState.CREATED, created.pid()));
		Instant started = Instant.now();
		runtime.start(id);
		assertThat(runtime.state(id).status()).isEqualTo(ContainerState.RUNNING);
		ExitStatus exit = runtime.awaitExit(id, Duration.ofSeconds(20));

		assertThat(exit.exitCode()).isEqualTo(3);
		assertThat(exit.oomKilled()).isFalse();
		assertThat(exit.finishedAt()).isAfter(started.plusMillis(900)).isBefore(Instant.now().plusSeconds(1));
		assertThat(runtime.exitStatus(id)).contains(exit);
		assertThat(runtime.state(id).status()).isEqualTo(ContainerState.STOPPED);
		List<String> lines = Files.readAllLines(log);
		assertThat(lines).allMatch((line) -> CRI_LOG_LINE.matcher(line).matches(), "CRI log lines");
		assertThat(lines.stream().map((line) -> line.substring(line.indexOf(' ') + 1)))
			.containsExactlyInAnyOrder("stdout F hello", "stderr F oops", "stdout P abc");
		// stdout lines keep their order; stderr is a separate pipe
		assertThat(lines.stream().filter((line) -> line.contains(" stdout ")).map((line) -> line.substring(line.indexOf(' ') + 1)))
			.containsExactly("stdout F hello", "stdout P abc");
	}

	@Test
	void deletingAnExitedContainerRemovesItsCgroupsAndRuncsState() throws Exception {
		// rocket-cri does what runc delete would, without runc: nothing of it may be left
		String id = newId();
		runtime.create(CreateRequest.of(id, bundle(id, "sleep", "1000"), null));
		runtime.start(id);
		Path stateDir = stateRoot.resolve("runc").resolve(id);
		List<Path> cgroups = new ArrayList<>();
		Json.MAPPER.readTree(stateDir.resolve("state.json").toFile())
			.path("cgroup_paths")
			.forEach(p -> cgroups.add(Path.of(p.asString())));
		assertThat(cgroups).isNotEmpty().allMatch(Files::isDirectory);
		runtime.kill(id, 9, false);
		runtime.awaitExit(id, Duration.ofSeconds(10));

		runtime.delete(id, false);

		assertThat(cgroups).noneMatch(Files::exists);
		assertThat(stateDir).doesNotExist();
		assertThatThrownBy(() -> runtime.state(id))
			.satisfies((ex) -> assertThat(((OciException) ex).notFound()).isTrue());
		// the id is free again: a new container by that name starts from scratch
		runtime.create(CreateRequest.of(id, bundle(id + "-again", "sleep", "1000"), null));
		assertThat(runtime.state(id).status()).isEqualTo(ContainerState.CREATED);
		runtime.delete(id, true);
		assertThat(cgroups).noneMatch(Files::exists);
	}

	@Test
	void sigtermToAProcessWithoutHandlerGives143() throws Exception {
		// in its own PID namespace the process would be an init, and an init ignores signals it
		// has no handler for; kubelet then escalates to SIGKILL (the contract test's 137)
		String id = newId();
		Path bundle = BusyboxBundle.builder(this.dir.resolve(id), id).args("sleep", "1000").hostPidNamespace().write();
		runtime.create(CreateRequest.of(id, bundle, null));
		runtime.start(id);

		runtime.kill(id, 15, false);

		assertThat(runtime.awaitExit(id, Duration.ofSeconds(10)).exitCode()).isEqualTo(143);
	}

	@Test
	void killAllReachesTheProcessesBehindAnInit() throws Exception {
		// the shell is the PID-namespace init and ignores SIGTERM; its child does not, and when
		// the child dies the shell's wait returns 143 and the shell exits with it
		String id = newId();
		runtime.create(CreateRequest.of(id, bundle(id, "sh", "-c", "sleep 1000 & wait $!"), null));
		runtime.start(id);
		Path procs = Path.of("/sys/fs/cgroup/pids" + BusyboxBundle.CGROUP_PARENT + "/" + id + "/cgroup.procs");
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (Files.readAllLines(procs).size() < 2 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}

		runtime.kill(id, 15, true);

		assertThat(runtime.awaitExit(id, Duration.ofSeconds(10)).exitCode()).isEqualTo(143);
	}

	@Test
	void aTerminalContainerLogsWhatItsTerminalShows() throws Exception {
		String id = newId();
		Path log = this.dir.resolve(id + ".log");
		Path bundle = BusyboxBundle.builder(this.dir.resolve(id), id)
			.args("sh", "-c", "test -t 0 && test -t 1 && echo on a tty")
			.terminal(true)
			.write();
		runtime.create(new CreateRequest(id, bundle, log, true, false, false, "runc"));
		runtime.start(id);

		assertThat(runtime.awaitExit(id, Duration.ofSeconds(10)).exitCode()).isZero();
		assertThat(Files.readString(log)).contains(" stdout F on a tty\r\n");
	}

	@Test
	void stdinStaysOpenUntilSomeoneAttaches() throws Exception {
		// without --stdin the process reads /dev/null and goes on at once
		String closed = newId();
		runtime.create(CreateRequest.of(closed, bundle(closed, "sh", "-c", "read line; exit 5"), null));
		runtime.start(closed);
		assertThat(runtime.awaitExit(closed, Duration.ofSeconds(10)).exitCode()).isEqualTo(5);

		String open = newId();
		runtime.create(new CreateRequest(open, bundle(open, "sh", "-c", "read line; exit 5"), null, false, true, false,
				"runc"));
		runtime.start(open);
		assertThatThrownBy(() -> runtime.awaitExit(open, Duration.ofMillis(500)))
			.isInstanceOf(TimeoutException.class);
		assertThat(runtime.state(open).status()).isEqualTo(ContainerState.RUNNING);
	}

	@Test
	void execSyncSplitsStdoutAndStderrAndKeepsTheExitCode() throws Exception {
		String id = newId();
		runtime.create(CreateRequest.of(id, bundle(id, "sleep", "1000"), null));
		runtime.start(id);

		ExecResult result = runtime.execSync(id, ExecRequest.of(Duration.ofSeconds(10), "sh", "-c",
				"echo out; echo err >&2; echo two; printf partial; exit 7"));

		assertThat(result.exitCode()).isEqualTo(7);
		assertThat(result.timedOut()).isFalse();
		assertThat(result.stdoutText()).isEqualTo("out\ntwo\npartial");
		assertThat(result.stderrText()).isEqualTo("err\n");
		assertThat(runtime.execSync(id, ExecRequest.of(Duration.ZERO, "true")).exitCode()).isZero();
		assertThat(runtime.execSync(id, ExecRequest.of(Duration.ZERO, "false")).exitCode()).isEqualTo(1);
	}

	@Test
	void execSyncRunsAsTheContainerProcessDoes() throws Exception {
		String id = newId();
		runtime.create(CreateRequest.of(id, bundle(id, "sleep", "1000"), null));
		runtime.start(id);

		ExecResult result = runtime.execSync(id, ExecRequest.of(Duration.ofSeconds(10), "sh", "-c",
				"echo $PATH; cat /proc/self/status | grep CapEff; hostname"));

		assertThat(result.exitCode()).isZero();
		// KILL (5), NET_BIND_SERVICE (10) and AUDIT_WRITE (29), as config.json grants
		assertThat(result.stdoutText()).startsWith("/bin\n").contains("CapEff:\t0000000020000420").endsWith("test\n");
	}

	@Test
	void execSyncWithATerminalMergesOutput() throws Exception {
		String id = newId();
		runtime.create(CreateRequest.of(id, bundle(id, "sleep", "1000"), null));
		runtime.start(id);

		ExecResult result = runtime.execSync(id,
				new ExecRequest(List.of("sh", "-c", "echo out; echo err >&2; test -t 1"), Duration.ofSeconds(10), true));

		assertThat(result.exitCode()).isZero();
		assertThat(result.stdoutText().replace("\r", "")).contains("out\n").contains("err\n");
		assertThat(result.stderr()).isEmpty();
	}

	@Test
	void execSyncTimeoutKillsTheProcessAndLeavesNoZombie() throws Exception {
		String id = newId();
		CreatedContainer created = runtime.create(CreateRequest.of(id, bundle(id, "sleep", "1000"), null));
		runtime.start(id);
		Set<Integer> sleepersBefore = processesNamed("sleep");

		long start = System.nanoTime();
		ExecResult result = runtime.execSync(id, ExecRequest.of(Duration.ofSeconds(1), "sleep", "4321"));
		Duration took = Duration.ofNanos(System.nanoTime() - start);

		assertThat(result.timedOut()).isTrue();
		assertThat(result.exitCode()).isEqualTo(-1);
		assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(4));
		// other runtimes on this host may run sleeps of their own: ours is "sleep 4321" while it
		// lives, and a zombie (no command line any more) that was not there before
		// conmon reaps the killed process a moment after it reports the timeout; allow it a
		// short grace, well under the ~2 s in which this host's PID 1 reaps orphans, so a
		// process handed to PID 1 instead would still be caught
		Set<Integer> leftOver = Set.of();
		for (int attempt = 0; attempt < 10; attempt++) {
			leftOver = processesNamed("sleep");
			leftOver.removeAll(sleepersBefore);
			leftOver.remove(created.pid());
			leftOver.removeIf((pid) -> ProcStat.read(pid).map(ProcStat::alive).orElse(false)
					&& !commandLine(pid).equals("sleep 4321"));
			if (leftOver.isEmpty()) {
				break;
			}
			Thread.sleep(50);
		}
		assertThat(leftOver).as("sleep processes (alive or zombie) left by the exec").isEmpty();
		assertThat(runtime.state(id).status()).isEqualTo(ContainerState.RUNNING);
	}

	@Test
	void theOomKillerIsReported() throws Exception {
		String id = newId();
		Path bundle = BusyboxBundle.builder(this.dir.resolve(id), id)
			.args("sh", "-c", "x=$(head -c 64000000 /dev/zero | tr '\\0' a); echo survived")
			.memoryLimit(8L << 20)
			.write();
		runtime.create(CreateRequest.of(id, bundle, this.dir.resolve(id + ".log")));
		runtime.start(id);

		ExitStatus exit = runtime.awaitExit(id, Duration.ofSeconds(30));

		assertThat(exit.exitCode()).isEqualTo(137);
		assertThat(exit.oomKilled()).isTrue();
		assertThat(Files.readString(this.dir.resolve(id + ".log"))).doesNotContain("survived");
	}

	@Test
	void reopenLogStartsANewFileAfterKubeletRenamedTheOldOne() throws Exception {
		String id = newId();
		Path log = this.dir.resolve("logs/" + id + ".log");
		Path bundle = bundle(id, "sh", "-c", "i=0; while true; do echo line$i; i=$((i+1)); sleep 0.1; done");
		runtime.create(CreateRequest.of(id, bundle, log));
		runtime.start(id);
		awaitContent(log, "line2");

		Path rotated = this.dir.resolve("logs/" + id + ".log.1");
		Files.move(log, rotated);
		runtime.reopenLog(id);

		assertThat(log).exists();
		awaitContent(log, "stdout F line");
		String old = Files.readString(rotated);
		Thread.sleep(300);
		assertThat(Files.readString(rotated)).as("the renamed file gets no more lines").isEqualTo(old);
		int lastOld = lastNumber(old);
		assertThat(lastNumber(Files.readString(log))).isGreaterThan(lastOld);
	}

	@Test
	void aFailedCreateSaysWhyAndLeavesNothing() throws Exception {
		String id = newId();
		Path bundle = bundle(id, "/bin/no-such-program");

		assertThatThrownBy(() -> runtime.create(CreateRequest.of(id, bundle, null))).isInstanceOf(OciException.class)
			.hasMessageContaining("creating container " + id)
			.hasMessageContaining("no-such-program")
			.satisfies((ex) -> assertThat(((OciException) ex).argv()).first().asString().endsWith("conmon"));

		assertThatThrownBy(() -> runtime.state(id))
			.satisfies((ex) -> assertThat(((OciException) ex).notFound()).isTrue());
		assertThat(stateRoot.resolve("containers/" + id)).doesNotExist();
		// and the id is free again
		runtime.create(CreateRequest.of(id, bundle(id, "sleep", "1000"), null));
	}

	@Test
	void updateResourcesChangesTheCgroup() throws Exception {
		String id = newId();
		runtime.create(CreateRequest.of(id, bundle(id, "sleep", "1000"), null));
		runtime.start(id);

		runtime.updateResources(id, "{\"memory\": {\"limit\": 67108864, \"swap\": 67108864}}");

		Path limit = Path.of("/sys/fs/cgroup/memory" + BusyboxBundle.CGROUP_PARENT + "/" + id + "/memory.limit_in_bytes");
		assertThat(Files.readString(limit).strip()).isEqualTo("67108864");
	}

	@Test
	void fiveContainersCreatedInParallel() throws Exception {
		List<String> ids = new ArrayList<>();
		List<Path> bundles = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			String id = newId();
			ids.add(id);
			bundles.add(bundle(id, "sleep", "1000"));
		}
		List<CreatedContainer> created = new ArrayList<>();
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<CreatedContainer>> futures = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				CreateRequest request = CreateRequest.of(ids.get(i), bundles.get(i), this.dir.resolve(ids.get(i) + ".log"));
				futures.add(pool.submit(() -> runtime.create(request)));
			}
			for (Future<CreatedContainer> future : futures) {
				created.add(future.get());
			}
		}

		assertThat(created.stream().map(CreatedContainer::pid).distinct()).hasSize(5);
		for (int i = 0; i < 5; i++) {
			assertThat(runtime.state(ids.get(i))).isEqualTo(new ContainerState(ContainerState.CREATED, created.get(i).pid()));
			runtime.start(ids.get(i));
		}
		for (String id : ids) {
			runtime.kill(id, 9, false);
			assertThat(runtime.awaitExit(id, Duration.ofSeconds(10)).exitCode()).isEqualTo(137);
			runtime.delete(id, false);
		}
	}

	@Test
	void theExitStatusSurvivesARestartOfTheRuntime() throws Exception {
		String id = newId();
		runtime.create(CreateRequest.of(id, bundle(id, "sleep", "1000"), null));
		runtime.start(id);

		try (ConmonOciRuntime restarted = new ConmonOciRuntime(stateRoot, new ProcessCommandRunner(), new LinuxHostOs(),
				new ExecutableLocator(List.of()))) {
			assertThat(restarted.state(id).status()).isEqualTo(ContainerState.RUNNING);
			assertThat(restarted.execSync(id, ExecRequest.of(Duration.ofSeconds(5), "echo", "still here")).stdoutText())
				.isEqualTo("still here\n");
			restarted.kill(id, 9, false);
			assertThat(restarted.awaitExit(id, Duration.ofSeconds(10)).exitCode()).isEqualTo(137);
		}
	}

	private static Set<Integer> processesNamed(String command) throws IOException {
		try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
			return procs.map((p) -> p.getFileName().toString())
				.filter((name) -> name.chars().allMatch(Character::isDigit))
				.map(Integer::parseInt)
				.filter((pid) -> ProcStat.read(pid).map((stat) -> stat.command().equals(command)).orElse(false))
				.collect(Collectors.toCollection(HashSet::new));
		}
	}

	private static String commandLine(int pid) {
		try {
			return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8)
				.replace('\0', ' ').strip();
		}
		catch (IOException ex) {
			return "";
		}
	}

	private static void awaitContent(Path file, String text) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!Files.exists(file) || !Files.readString(file, StandardCharsets.UTF_8).contains(text)) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError(file + " never contained " + text);
			}
			Thread.sleep(20);
		}
	}

	private static int lastNumber(String log) {
		String[] lines = log.strip().split("\n");
		String last = lines[lines.length - 1];
		return Integer.parseInt(last.substring(last.lastIndexOf("line") + 4).strip());
	}

}
