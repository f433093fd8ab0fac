package io.rocketcri.engine.rkt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.rocketcri.config.Json;
import io.rocketcri.engine.CommandRunner.Command;
import io.rocketcri.engine.CommandRunner.CommandFailedException;
import io.rocketcri.engine.FakeHostOs;
import io.rocketcri.engine.PodEngine;
import io.rocketcri.engine.PodEngine.ContainerPlan;
import io.rocketcri.engine.PodEngine.PodPlan;
import io.rocketcri.engine.PodEngine.PodResources;
import io.rocketcri.engine.PodEngines;
import io.rocketcri.engine.ns.FakeNamespacePinner;
import io.rocketcri.failure.FailedPrecondition;
import io.rocketcri.failure.Unavailable;
import io.rocketcri.testsupport.ScriptedCommandRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import static io.rocketcri.testsupport.ScriptedCommandRunner.exit;
import static io.rocketcri.testsupport.ScriptedCommandRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RktPodEngineTest {

	private static final String UUID = "e66d2433-627e-40b8-ac87-bbdb0f42b376";

	private static final String POD = "a1b2c3";

	private static final String CTR = "f00dcafe";

	@TempDir
	Path tmp;

	private final ScriptedCommandRunner runner = new ScriptedCommandRunner();

	/** What `rkt app status` answers now. */
	private final AtomicReference<String> appState = new AtomicReference<>("{\"name\":\"" + CTR + "\",\"state\":\"created\"}");

	/** What `rkt status` answers now. */
	private final AtomicReference<String> podState = new AtomicReference<>("running");

	private boolean writesUuid = true;

	private FakeNamespacePinner pinner;

	private Path stage1;

	@BeforeEach
	void script() throws IOException {
		pinner = new FakeNamespacePinner(tmp.resolve("pins"));
		stage1 = Files.writeString(tmp.resolve("stage1-host.aci"), "aci");
		runner.on("sh", command -> {
			// the detached `rkt app sandbox`: rkt writes the uuid file once it has a pod
			if (writesUuid) {
				String file = command.argv().stream().filter(a -> a.startsWith("--uuid-file-save=")).findFirst()
					.orElseThrow().substring("--uuid-file-save=".length());
				Files.writeString(Path.of(file), UUID);
			}
			Files.writeString(Path.of(command.env().get("RKT_SANDBOX_LOG")), "stage1: something went wrong\n");
			return ok("");
		});
		runner.on("rkt", command -> {
			List<String> a = command.argv();
			if (a.contains("version")) {
				return ok("rkt Version: 1.30.0\nappc Version: 0.8.11\n");
			}
			if (a.contains("fetch")) {
				return ok("sha512-0123456789abcdef\n");
			}
			if (a.contains("app") && a.contains("status")) {
				return ok(appState.get());
			}
			if (a.contains("status")) {
				return ok("{\"name\":\"" + UUID + "\",\"state\":\"" + podState.get() + "\"}");
			}
			if (a.contains("stop")) {
				podState.set("exited");
			}
			return ok("");
		});
	}

	private RktPodEngine engine() {
		return engine(new RktCommands("/opt/rkt/rkt", tmp.resolve("rkt-data"), stage1));
	}

	private RktPodEngine engine(RktCommands commands) {
		return new RktPodEngine(commands, runner, new FakeHostOs(), pinner, tmp.resolve("state"), Duration.ofMillis(300),
				Duration.ofMillis(5), false, System::nanoTime);
	}

	/** The pod's nspawn is pid 4242 as rkt records it, and its systemd is pid 4243. */
	private void fakeStage1(RktPodEngine engine) throws IOException {
		engine.stage1Systemd(nspawn -> nspawn == 4242 ? java.util.OptionalLong.of(4243) : java.util.OptionalLong.empty());
		Path ppid = tmp.resolve("rkt-data/pods/run").resolve(UUID).resolve("ppid");
		Files.createDirectories(ppid.getParent());
		Files.writeString(ppid, "4242\n");
	}

	private static PodPlan plan(boolean privateNetwork) {
		return new PodPlan(POD, "web-0", privateNetwork, true, false, Map.of(), "", List.of("10.96.0.10"),
				List.of("default.svc.cluster.local"), List.of("ndots:5"), null);
	}

	@Test
	void aHostNetworkPodIsAnAppSandboxStartedDetached() throws IOException {
		PodResources resources = engine().runPod(plan(false));

		assertThat(resources.netns()).isNull();
		List<String> sh = runner.commands("sh").getFirst().argv();
		assertThat(sh.subList(0, 4)).containsExactly("/bin/sh", "-c",
				"exec setsid -f \"$@\" </dev/null >>\"$RKT_SANDBOX_LOG\" 2>&1", "rkt-sandbox");
		Path podDir = tmp.resolve("state/rkt/pods").resolve(POD);
		assertThat(sh.subList(4, sh.size())).containsExactly("/opt/rkt/rkt", "--dir=" + tmp.resolve("rkt-data"),
				"--insecure-options=image", "app", "sandbox", "--uuid-file-save=" + podDir.resolve("uuid"), "--stage1-path=" + stage1, "--net=host",
				"--hostname=web-0", "--hosts-entry=host", "--dns=10.96.0.10", "--dns-search=default.svc.cluster.local",
				"--dns-opt=ndots:5", "--annotation=coreos.com/rkt/experiment/logmode=k8s-plain",
				"--annotation=coreos.com/rkt/experiment/kubernetes-log-dir=" + podDir.resolve("logs"),
				"--user-annotation=io.rocketcri.pod-id=" + POD);
		assertThat(runner.commands("sh").getFirst().env()).containsEntry("RKT_EXPERIMENT_APP", "true");
		assertThat(runner.commands("rkt").getLast().argv()).containsExactly("/opt/rkt/rkt",
				"--dir=" + tmp.resolve("rkt-data"), "status", "--format=json", "--wait-ready=1s", UUID);
		assertThat(runner.commands("rkt")).allSatisfy(c -> assertThat(c.env()).containsEntry("RKT_EXPERIMENT_APP", "true"));
	}

	@Test
	void aPodWhoseSystemdStartedNothingIsNudgedOnceAndThenReady() throws IOException {
		RktPodEngine engine = new RktPodEngine(new RktCommands("/opt/rkt/rkt", tmp.resolve("rkt-data"), stage1), runner,
				new FakeHostOs(), pinner, tmp.resolve("state"), Duration.ofSeconds(60), Duration.ofMillis(5), false,
				System::nanoTime);
		fakeStage1(engine);
		java.util.concurrent.atomic.AtomicBoolean nudged = new java.util.concurrent.atomic.AtomicBoolean();
		runner.on("nsenter", command -> {
			nudged.set(true);
			return ok("");
		});
		runner.on("rkt", command -> {
			List<String> a = command.argv();
			if (a.contains("version")) {
				return ok("rkt Version: 1.30.0\n");
			}
			if (a.contains("status")) {
				// stage1's supervisor is ready only once the pod's default target was started
				return nudged.get() ? ok("{\"name\":\"" + UUID + "\",\"state\":\"running\"}")
						: exit(1, "", "error waiting for pod readiness: context deadline exceeded");
			}
			return ok("");
		});

		engine.runPod(plan(false));

		assertThat(runner.commands("nsenter")).singleElement()
			.satisfies(c -> assertThat(c.argv()).containsExactly("nsenter", "--target=4243", "--mount", "--pid", "--",
					"systemctl", "start", "--no-block", "default.target"));
		List<List<String>> waits = runner.commands("rkt").stream().map(c -> c.argv()).filter(a -> a.contains("status"))
			.toList();
		assertThat(waits).extracting(a -> a.get(a.size() - 2)).containsExactly("--wait-ready=5s", "--wait-ready=55s");
	}

	@Test
	void sysctlsAreWrittenInThePodsIpcNamespaceAndItsPinnedNetworkNamespace() throws IOException {
		RktPodEngine engine = engine();
		fakeStage1(engine);
		runner.on("nsenter", command -> ok(""));
		PodPlan plan = new PodPlan(POD, "web-0", true, true, false,
				new java.util.LinkedHashMap<>(Map.of("kernel.shm_rmid_forced", "1")), "", List.of(), List.of(), List.of(),
				null);
		plan.sysctls().put("net.ipv4.ip_forward", "1");

		PodResources resources = engine.runPod(plan);

		assertThat(runner.commands("nsenter")).extracting(c -> c.argv()).containsExactly(
				List.of("nsenter", "--ipc=/proc/4243/ns/ipc", "--", "sysctl", "-w", "kernel/shm_rmid_forced=1"),
				List.of("nsenter", "--net=" + resources.netns(), "--", "sysctl", "-w", "net/ipv4/ip_forward=1"));
	}

	@Test
	void aNetSysctlOnAHostNetworkPodFailsThePodAndLeavesNoSandbox() throws IOException {
		RktPodEngine engine = engine();
		fakeStage1(engine);
		PodPlan plan = new PodPlan(POD, "web-0", false, true, false, Map.of("net.ipv4.ip_forward", "1"), "", List.of(),
				List.of(), List.of(), null);

		assertThatThrownBy(() -> engine.runPod(plan)).hasMessageContaining("net.ipv4.ip_forward")
			.hasMessageContaining("shares the host's");
		assertThat(runner.commands("rkt")).anySatisfy(c -> assertThat(c.argv()).contains("rm"));
	}

	@Test
	void aPodWithItsOwnNetworkRunsRktInsideItsPinnedNamespace() throws IOException {
		PodResources resources = engine().runPod(plan(true));

		assertThat(resources.netns()).isNotNull().exists();
		List<String> sh = runner.commands("sh").getFirst().argv();
		assertThat(sh.subList(4, 7)).containsExactly("nsenter", "--net=" + resources.netns(), "--");
		assertThat(sh).contains("--net=host").doesNotContain("--hosts-entry=host");
	}

	@Test
	void aSandboxThatNeverGetsAUuidFailsNamingThePodAndQuotingRktAndLeavesNothing() {
		writesUuid = false;

		assertThatThrownBy(() -> engine().runPod(plan(true))).isInstanceOf(Unavailable.class)
			.hasMessageContaining("running rkt app sandbox for pod " + POD)
			.hasMessageContaining("no pod uuid")
			.hasMessageContaining("stage1: something went wrong");
		assertThat(pinner.find(POD)).isEmpty();
		assertThat(tmp.resolve("state/rkt/pods").resolve(POD)).doesNotExist();
	}

	@Test
	void aSandboxThatExitsWhileStartingIsStoppedAndRemoved() {
		podState.set("exited");

		assertThatThrownBy(() -> engine().runPod(plan(false))).isInstanceOf(Unavailable.class)
			.hasMessageContaining("rkt pod " + UUID + " exited while starting");
		assertThat(runner.commands("rkt").stream().map(Command::argv))
			.anySatisfy(a -> assertThat(a).containsSubsequence("rm", UUID));
		assertThat(tmp.resolve("state/rkt/pods").resolve(POD)).doesNotExist();
	}

	@Test
	void withoutRktTheHandlerIsNotListedAndAPodGetsFailedPreconditionNamingTheBinary() {
		runner.on("rkt", command -> exit(127, "", "rkt: not found"));
		RktPodEngine engine = engine();

		assertThat(engine.available()).isFalse();
		assertThat(new PodEngines(List.of(engine, new NamedEngine("runc"))).availableHandlers()).containsExactly("runc");
		assertThatThrownBy(() -> engine.runPod(plan(false))).isInstanceOf(FailedPrecondition.class)
			.hasMessageContaining("runtime handler \"rkt\" is not usable")
			.hasMessageContaining("rocket.rkt.path=/opt/rkt/rkt");
		assertThat(runner.commands("sh")).isEmpty();
	}

	@Test
	void aMissingStage1ImageIsNamed() {
		RktPodEngine engine = engine(new RktCommands("rkt", tmp.resolve("rkt-data"), tmp.resolve("nope.aci")));

		assertThatThrownBy(() -> engine.runPod(plan(false))).isInstanceOf(FailedPrecondition.class)
			.hasMessageContaining("rocket.rkt.stage1-image=" + tmp.resolve("nope.aci"));
	}

	@Test
	void withRktTheHandlerIsListed() {
		assertThat(new PodEngines(List.of(engine(), new NamedEngine("runc"))).availableHandlers())
			.containsExactly("rkt", "runc");
	}

	@Test
	void aContainerIsAnAppAddedFromTheFetchedImageAndStarted() throws IOException {
		RktPodEngine engine = engine();
		engine.runPod(plan(false));
		engine.prepareRootfs(CTR, List.of(), null);
		Path log = tmp.resolve("pods/ns_web-0_uid/app/0.log");

		engine.createContainer(new ContainerPlan(CTR, POD, spec(), log, false, false, false,
				List.of("127.0.0.1:5000/busybox@sha256:ab", "registry.example/busybox@sha256:ab")));
		engine.startContainer(CTR);

		List<List<String>> rkt = runner.commands("rkt").stream().map(Command::argv).toList();
		String dir = "--dir=" + tmp.resolve("rkt-data");
		assertThat(rkt).contains(List.of("/opt/rkt/rkt", dir, "--insecure-options=image,http", "fetch", "--full",
				"--pull-policy=new", "docker://127.0.0.1:5000/busybox@sha256:ab"));
		assertThat(rkt).contains(List.of("/opt/rkt/rkt", dir, "app", "add", UUID, "sha512-0123456789abcdef",
				"--name=" + CTR, "--annotation=coreos.com/rkt/experiment/kubernetes-log-path=" + CTR + ".log",
				"--annotation=coreos.com/rkt/stage2/stdout=stream", "--annotation=coreos.com/rkt/stage2/stderr=stream",
				"--environment=PATH=/bin",
				"--environment=GREETING=hi there", "--working-dir=/srv", "--user=1000", "--group=1000",
				"--supplementary-gids=4", "--mnt-volume=name=v0,kind=host,source=" + tmp.resolve("vol")
						+ ",target=/data,readOnly=true",
				"--exec=/bin/sh", "--", "-c", "echo hi", "---"));
		assertThat(rkt).contains(List.of("/opt/rkt/rkt", dir, "app", "start", UUID, "--app=" + CTR));
		engine.removeContainer(CTR);
	}

	@Test
	void theFetchTriesEachSourceInOrderAndSaysWhereItFailed() throws IOException {
		RktPodEngine engine = engine();
		engine.runPod(plan(false));
		engine.prepareRootfs(CTR, List.of(), null);
		runner.on("rkt", command -> {
			List<String> a = command.argv();
			if (a.contains("fetch")) {
				return a.getLast().contains("mirror") ? exit(254, "", "fetch: connection refused")
						: ok("sha512-77\n");
			}
			return ok(a.contains("status") ? "{\"name\":\"" + UUID + "\",\"state\":\"running\"}" : "");
		});

		engine.createContainer(new ContainerPlan(CTR, POD, spec(), null, false, false, false,
				List.of("mirror.local/busybox@sha256:ab", "registry.example/busybox@sha256:ab")));

		assertThat(runner.commands("rkt").stream().map(c -> c.argv().getLast()).filter(a -> a.startsWith("docker://")))
			.containsExactly("docker://mirror.local/busybox@sha256:ab", "docker://registry.example/busybox@sha256:ab");
		assertThat(runner.commands("rkt").stream().map(Command::argv))
			.anySatisfy(a -> assertThat(a).containsSubsequence("app", "add", UUID, "sha512-77"));
		runner.on("rkt", command -> command.argv().contains("fetch") ? exit(254, "", "fetch: no such image") : ok(""));
		assertThatThrownBy(() -> engine.createContainer(new ContainerPlan("other", POD, spec(), null, false, false, false,
				List.of("a/b@sha256:1")))).hasMessageContaining("rkt fetch found the image nowhere: a/b@sha256:1: exited 254 fetch: no such image");
		assertThatThrownBy(() -> engine.createContainer(new ContainerPlan("third", POD, spec(), null, false, false, false,
				List.of()))).isInstanceOf(FailedPrecondition.class).hasMessageContaining("no registry is known");
	}

	@Test
	void exitCodesComeFromAppStatusAndAreKept() throws IOException {
		RktPodEngine engine = startedContainer();
		appState.set("{\"name\":\"" + CTR + "\",\"state\":\"running\",\"started_at\":5}");
		assertThat(engine.exitInfo(CTR)).isEmpty();
		assertThat(engine.isRunning(CTR)).isTrue();

		appState.set("{\"name\":\"" + CTR + "\",\"state\":\"exited\",\"exit_code\":42,\"finished_at\":77}");
		assertThat(engine.isRunning(CTR)).isFalse();
		assertThat(engine.exitInfo(CTR)).contains(new PodEngine.ExitInfo(42, 77, false));
		int calls = runner.commands("rkt").size();
		assertThat(engine.exitInfo(CTR)).contains(new PodEngine.ExitInfo(42, 77, false));
		assertThat(runner.commands("rkt")).hasSize(calls);
	}

	@Test
	void stoppingARunningAppAsksRktAndReportsItsExit() throws IOException {
		RktPodEngine engine = startedContainer();
		appState.set("{\"name\":\"" + CTR + "\",\"state\":\"running\"}");
		runner.on("rkt", command -> {
			List<String> a = command.argv();
			if (a.contains("app") && a.contains("stop")) {
				appState.set("{\"name\":\"" + CTR + "\",\"state\":\"exited\",\"exit_code\":143,\"finished_at\":9}");
				return ok("");
			}
			if (a.contains("app") && a.contains("status")) {
				return ok(appState.get());
			}
			return ok("");
		});

		assertThat(engine.stopContainer(CTR, 15, Duration.ofSeconds(10))).isEqualTo(new PodEngine.ExitInfo(143, 9, false));
		assertThat(runner.commands("rkt").stream().map(Command::argv))
			.anySatisfy(a -> assertThat(a).containsSubsequence("app", "stop", UUID, "--app=" + CTR));
	}

	@Test
	void anAppKilledByOurStopReportsTheShellsCodeForTheSignal() throws IOException {
		RktPodEngine engine = startedContainer();
		appState.set("{\"name\":\"" + CTR + "\",\"state\":\"running\"}");
		runner.on("rkt", command -> {
			List<String> a = command.argv();
			if (a.contains("app") && a.contains("stop")) {
				// rkt: the number of the signal that ended it
				appState.set("{\"name\":\"" + CTR + "\",\"state\":\"exited\",\"exit_code\":15,\"finished_at\":9}");
			}
			return ok(a.contains("status") ? appState.get() : "");
		});

		assertThat(engine.stopContainer(CTR, 15, Duration.ZERO).exitCode()).isEqualTo(143);
		assertThat(engine.exitInfo(CTR).orElseThrow().exitCode()).isEqualTo(143);
	}

	@Test
	void anAppThatRktCannotRemoveGoesWithThePod() throws IOException {
		RktPodEngine engine = startedContainer();
		runner.on("rkt", command -> command.argv().contains("rm")
				? exit(254, "", "rm: error removing app: exit status 5")
				: ok("{\"name\":\"" + UUID + "\",\"state\":\"running\"}"));

		engine.removeContainer(CTR);

		assertThat(tmp.resolve("state/rkt/containers").resolve(CTR)).doesNotExist();
	}

	@Test
	void execSyncIsAppExecWithTheCommandAfterTheUuid() throws IOException {
		RktPodEngine engine = startedContainer();
		runner.on("rkt", command -> command.argv().contains("exec") ? exit(3, "out", "err") : ok(""));

		PodEngine.ExecOutput out = engine.execSync(CTR, List.of("sh", "-c", "exit 3"), Duration.ofSeconds(5));

		assertThat(out.exitCode()).isEqualTo(3);
		assertThat(new String(out.stdout(), StandardCharsets.UTF_8)).isEqualTo("out");
		Command exec = runner.commands("rkt").getLast();
		assertThat(exec.argv()).containsExactly("/opt/rkt/rkt", "--dir=" + tmp.resolve("rkt-data"), "app", "exec",
				"--app=" + CTR, UUID, "sh", "-c", "exit 3");
		assertThat(exec.timeout()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void aFailedAppAddLeavesWhatRemoveContainerUndoes() throws IOException {
		RktPodEngine engine = engine();
		engine.runPod(plan(false));
		engine.prepareRootfs(CTR, List.of(), null);
		runner.on("rkt", command -> {
			List<String> a = command.argv();
			if (a.contains("fetch")) {
				return ok("sha512-01\n");
			}
			if (a.contains("add")) {
				return exit(254, "", "app add: image has no app");
			}
			if (a.contains("rm")) {
				return exit(254, "", "app rm: cannot find app \"" + CTR + "\" in the pod");
			}
			return ok("{\"name\":\"" + UUID + "\",\"state\":\"running\"}");
		});

		assertThatThrownBy(() -> engine.createContainer(new ContainerPlan(CTR, POD, spec(), null, false, false, false,
				List.of("busybox")))).isInstanceOf(CommandFailedException.class).hasMessageContaining("image has no app");
		engine.removeContainer(CTR); // the caller's undo: an app rkt never added is no error

		assertThat(runner.commands("rkt").getLast().argv()).containsSubsequence("app", "rm", UUID, "--app=" + CTR);
		assertThat(tmp.resolve("state/rkt/containers").resolve(CTR)).doesNotExist();
	}

	@Test
	void whatRktCannotDoFailsWithFailedPreconditionNamingTheHandler() throws IOException {
		RktPodEngine engine = startedContainer();

		assertThatThrownBy(() -> engine.attach(CTR, false)).isInstanceOf(FailedPrecondition.class)
			.hasMessageContaining("attaching to container " + CTR).hasMessageContaining("runtime handler \"rkt\"");
		assertThatThrownBy(() -> engine.exec(CTR, List.of("sh"), true, true)).isInstanceOf(FailedPrecondition.class)
			.hasMessageContaining("with a terminal");
		assertThatThrownBy(() -> engine.updateResources(CTR, Json.MAPPER.createObjectNode()))
			.isInstanceOf(FailedPrecondition.class).hasMessageContaining("updating the resources");
		assertThatThrownBy(() -> engine.mountImageVolume(CTR, 0, List.of(), "", null))
			.isInstanceOf(FailedPrecondition.class);
		assertThatThrownBy(() -> engine.prepareRootfs("other", List.of(), new PodEngine.IdMappedRoot(tmp, 1, 1)))
			.isInstanceOf(FailedPrecondition.class).hasMessageContaining("user namespace");
		assertThatThrownBy(() -> engine.createContainer(new ContainerPlan("tty", POD, spec(), null, true, true, false,
				List.of("busybox")))).isInstanceOf(FailedPrecondition.class).hasMessageContaining("terminal");
	}

	@Test
	void stopAndRemovePodStopRmAndReleaseThePin() throws IOException {
		RktPodEngine engine = engine();
		PodResources resources = engine.runPod(plan(true));

		engine.stopPod(POD, resources);
		engine.removePod(POD, resources);
		engine.removePod(POD, resources); // idempotent

		List<List<String>> rkt = runner.commands("rkt").stream().map(Command::argv).toList();
		assertThat(rkt).anySatisfy(a -> assertThat(a).containsSubsequence("stop", UUID));
		assertThat(rkt).anySatisfy(a -> assertThat(a).containsSubsequence("rm", UUID));
		assertThat(pinner.find(POD)).isEmpty();
		assertThat(tmp.resolve("state/rkt/pods").resolve(POD)).doesNotExist();
	}

	@Test
	void leftoversOfUnknownPodsAndAppsGoAtBoot() throws IOException {
		RktPodEngine engine = startedContainer();

		engine.removeLeftovers(java.util.Set.of(), java.util.Set.of());

		List<List<String>> rkt = runner.commands("rkt").stream().map(Command::argv).toList();
		assertThat(rkt).anySatisfy(a -> assertThat(a).containsSubsequence("app", "rm", UUID, "--app=" + CTR));
		assertThat(rkt).anySatisfy(a -> assertThat(a).containsSubsequence("rm", UUID));
		assertThat(tmp.resolve("state/rkt/pods").resolve(POD)).doesNotExist();
	}

	@Test
	void knownPodsSurviveBoot() throws IOException {
		RktPodEngine engine = startedContainer();
		int before = runner.commands("rkt").size();

		engine.removeLeftovers(java.util.Set.of(POD), java.util.Set.of(CTR));

		assertThat(runner.commands("rkt").subList(before, runner.commands("rkt").size()).stream().map(Command::argv))
			.noneSatisfy(a -> assertThat(a).contains("rm"));
	}

	private RktPodEngine startedContainer() throws IOException {
		RktPodEngine engine = engine();
		engine.runPod(plan(false));
		engine.prepareRootfs(CTR, List.of(), null);
		engine.createContainer(new ContainerPlan(CTR, POD, spec(), tmp.resolve("logs/0.log"), false, false, false,
				List.of("busybox")));
		return engine;
	}

	private ObjectNode spec() throws IOException {
		return (ObjectNode) Json.MAPPER.readTree("""
				{"process":{"args":["/bin/sh","-c","echo hi"],"env":["PATH=/bin","GREETING=hi there"],"cwd":"/srv",
				 "user":{"uid":1000,"gid":1000,"additionalGids":[1000,4]}},
				 "mounts":[{"destination":"/proc","type":"proc","source":"proc"},
				  {"destination":"/etc/hosts","type":"bind","source":"/tmp/hosts","options":["rbind","ro"]},
				  {"destination":"/data","type":"bind","source":"%s","options":["rbind","ro"]},
				  {"destination":"/dev/shm","type":"bind","source":"/run/shm","options":["rbind"]}]}"""
			.formatted(tmp.resolve("vol")));
	}

	/** Another engine, only for its handler name. */
	private record NamedEngine(String handler) implements PodEngine {

		private static UnsupportedOperationException no() {
			return new UnsupportedOperationException();
		}

		@Override public PodResources runPod(PodPlan plan) { throw no(); }
		@Override public PodResources describePod(String p, Path n, Path i, Path u, String id, Integer pid) { throw no(); }
		@Override public void stopPod(String podId, PodResources r) { throw no(); }
		@Override public void removePod(String podId, PodResources r) { throw no(); }
		@Override public ContainerPaths prepareRootfs(String id, List<Path> l, IdMappedRoot m) { throw no(); }
		@Override public CreatedContainer createContainer(ContainerPlan plan) { throw no(); }
		@Override public void startContainer(String id) { throw no(); }
		@Override public ExitInfo stopContainer(String id, int s, Duration t) { throw no(); }
		@Override public void removeContainer(String id) { throw no(); }
		@Override public java.util.Optional<ExitInfo> exitInfo(String id) { throw no(); }
		@Override public java.util.Optional<ExitInfo> lostMonitorExit(String id) { throw no(); }
		@Override public boolean isRunning(String id) { throw no(); }
		@Override public ExecOutput execSync(String id, List<String> c, Duration t) { throw no(); }
		@Override public io.rocketcri.engine.StreamingProcess exec(String id, List<String> c, boolean t, boolean s) { throw no(); }
		@Override public io.rocketcri.engine.StreamingProcess attach(String id, boolean s) { throw no(); }
		@Override public java.nio.channels.SocketChannel dialPort(String p, PodResources r, int port) { throw no(); }
		@Override public void updateResources(String id, ObjectNode r) { throw no(); }
		@Override public void reopenLog(String id) { throw no(); }
		@Override public void removeLeftovers(java.util.Set<String> p, java.util.Set<String> c) { throw no(); }
		@Override public java.util.Optional<ContainerUsage> usage(String id) { throw no(); }
		@Override public PodUsage podUsage(String p, String c, PodResources r) { throw no(); }
		@Override public Path mountImageVolume(String id, int i, List<Path> l, String s, IdMappedRoot m) { throw no(); }
		@Override public ContainerPaths paths(String id) { throw no(); }
		@Override public java.util.Optional<ProcessUser> processUser(String id) { throw no(); }
	}

}
