package io.rocketcri.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.StatusRuntimeException;
import io.rocketcri.cri.api.Container;
import io.rocketcri.cri.api.ContainerState;
import io.rocketcri.cri.api.ContainerStatus;
import io.rocketcri.cri.api.ContainerStatusRequest;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.ListContainersRequest;
import io.rocketcri.cri.api.ListPodSandboxRequest;
import io.rocketcri.cri.api.PodSandbox;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxState;
import io.rocketcri.cri.api.PodSandboxStatusRequest;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.cri.api.RemoveContainerRequest;
import io.rocketcri.cri.api.RemoveImageRequest;
import io.rocketcri.cri.api.RemovePodSandboxRequest;
import io.rocketcri.cri.api.StartContainerRequest;
import io.rocketcri.cri.api.StopContainerRequest;
import io.rocketcri.cri.api.StopPodSandboxRequest;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.LayerBuilder;
import io.rocketcri.testsupport.OciImageBuilder;
import io.rocketcri.testsupport.PushedImage;
import io.rocketcri.testsupport.RuntimeUnderTest;
import io.rocketcri.testsupport.TestRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7's check: 30 pods with a container each, a churn of concurrent creates, starts, stops
 * and removes (and image pulls), {@code kill -9} of rocket-cri in the middle of it, a restart,
 * and then a comparison of three accounts: what the test knows it was told, what the restarted
 * runtime lists, and what the host holds (mounts, pinned namespaces, IPAM allocations, cgroups,
 * conmon processes, ingest files). Finally everything is removed over CRI and the host must be
 * clean.
 *
 * <p>rocket-cri runs as a child JVM ({@link ChildRuntime}) so that it can really be killed. The
 * churn's seed is printed ({@code -Dchurn.seed=…} repeats a run's choices; the moment of the kill
 * is the host's). Figures go to stdout.
 */
@Tag("host")
class KillNineChurnHostTest {

	static final String BRIDGE = "rcri-rel0";

	static final String SUBNET = "10.232.42.0/24";

	static final String CGROUP_PARENT = "/rocket-cri-rel-churn";

	static final int PODS = 30;

	static final int CHURN_THREADS = 6;

	/** Live churn pods at most; beyond, a churn thread removes its oldest. */
	static final int CHURN_POD_CAP = 4;

	static final String ABSENT = "ABSENT";

	/** Kill and restart this many times, churning anew each time ({@code -Dchurn.rounds=}). */
	static final int ROUNDS = Integer.getInteger("churn.rounds", 2);

	/** The 30 pods' containers: what each is meant to do. */
	enum Kind {
		/** sleeps: still running after the restart */
		LONG,
		/** waits for a file the test creates while rocket-cri is down, then exits with its own code */
		EXITS_WHILE_DOWN,
		/** exits with its own code right away, before the kill */
		EXITED_BEFORE
	}

	record Stable(String podName, String podId, String containerId, Kind kind, int exitCode) {
	}

	/** What the test may find for an object after the restart: states by name, ABSENT included. */
	final Map<String, Set<String>> expectedPods = new ConcurrentHashMap<>();

	final Map<String, Set<String>> expectedContainers = new ConcurrentHashMap<>();

	final AtomicInteger runsInFlight = new AtomicInteger();

	final AtomicInteger pullsInFlight = new AtomicInteger();

	final AtomicBoolean killed = new AtomicBoolean();

	final List<String> churnErrors = new CopyOnWriteArrayList<>();

	@Test
	void killNineDuringChurnLosesNothingAndLeaksNothing() throws Exception {
		long seed = Long.getLong("churn.seed", System.nanoTime());
		System.out.println("[churn] seed " + seed + " (-Dchurn.seed=" + seed + " repeats the churn's choices)");
		RuntimeUnderTest runtime = new RuntimeUnderTest("churn");
		TestRegistry registry = TestRegistry.shared();
		runtime.bridgeNetwork("rocket-rel", BRIDGE, SUBNET, false);
		runtime.trustRegistry(registry.address());
		PodFixtures fixtures = new PodFixtures(runtime.root().getParent().resolve("logs"), CGROUP_PARENT);
		String busybox = registry.pusher()
			.push(OciImageBuilder.busybox().build(), TestRegistry.uniqueRepository("churn"), "v1")
			.reference();
		// pulls that take a while (a layer of incompressible bytes), so that the kill can hit one
		Random random = new Random(seed);
		List<String> bigImages = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			byte[] noise = new byte[12 << 20];
			random.nextBytes(noise);
			PushedImage big = registry.pusher()
				.push(OciImageBuilder.busybox().layer(LayerBuilder.create().file("/noise", noise, 0644)).build(),
						TestRegistry.uniqueRepository("churn-big"), "v1");
			bigImages.add(big.reference());
		}
		ChildRuntime rocket = new ChildRuntime(runtime);
		CriSocketClient client = new CriSocketClient(runtime.socket());
		boolean passed = false;
		try {
			rocket.start();
			Duration firstBoot = rocket.awaitReady(client, Duration.ofSeconds(90));
			System.out.printf("[churn] first start ready after %d ms%n", firstBoot.toMillis());
			client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(busybox)).build());

			List<Stable> stable = startStablePods(client, fixtures, busybox);
			awaitExitedBefore(client, stable);

			Instant[] downWindow = null; // when the EXITS_WHILE_DOWN containers exited: the first time it was down
			for (int r = 1; r <= ROUNDS; r++) {
				int round = r;
				killed.set(false);
				// the churn, and the kill in the middle of it
				ExecutorService pool = Executors.newFixedThreadPool(CHURN_THREADS + 1);
				List<Future<?>> workers = new ArrayList<>();
				for (int t = 0; t < CHURN_THREADS; t++) {
					long threadSeed = seed + 100L * round + t;
					int thread = t;
					workers.add(pool.submit(() -> churn(client, fixtures, busybox, round, thread, new Random(threadSeed))));
				}
				workers.add(pool.submit(() -> pulls(client, bigImages)));
				long churnStart = System.nanoTime();
				Thread.sleep(3000 + random.nextInt(2000));
				// wait (a little) for a RunPodSandbox and a pull to be under way together
				long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
				while ((runsInFlight.get() == 0 || pullsInFlight.get() == 0) && System.nanoTime() < waitUntil) {
					Thread.onSpinWait();
				}
				int runs = runsInFlight.get();
				int pulls = pullsInFlight.get();
				Thread.sleep(random.nextInt(150));
				Instant killedAt = Instant.now();
				killed.set(true);
				rocket.kill9();
				HostInventory atKill = HostInventory.read(runtime, CGROUP_PARENT);
				System.out.printf("[churn] round " + round + ": kill -9 after %d ms of churn, with %d RunPodSandbox and %d PullImage in flight; "
						+ "host then: %d conmon, %d rootfs mounts, %d pinned netns, %d IPs, %d cgroups, %d ingest files%n",
						TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - churnStart), runs, pulls, atKill.conmons().size(),
						atKill.rootfsMounts().size(), atKill.netnsPins().size(), atKill.ipAllocations().size(),
						atKill.cgroups().size(), atKill.ingest().size());
				pool.shutdown();
				assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).as("churn threads end after the kill").isTrue();
				for (Future<?> worker : workers) {
					worker.get();
				}
				System.out.printf("[churn] objects the test was told about at kill time: %d pods, %d containers%n",
						expectedPods.size(), expectedContainers.size());

				// while it is down, some containers exit: their exit codes come from conmon's exit files
				for (Stable s : stable) {
					if (s.kind() == Kind.EXITS_WHILE_DOWN) {
						Files.writeString(runtime.root().resolve("containers").resolve(s.containerId()).resolve("rootfs/stop"), "");
					}
				}
				for (Stable s : stable) {
					if (s.kind() == Kind.EXITS_WHILE_DOWN) {
						awaitFile(runtime.state().resolve("exits").resolve(s.containerId()), Duration.ofSeconds(30));
					}
				}
				Instant restartedAt = Instant.now();

				// restart; calls during boot get UNAVAILABLE or a right answer, never a wrong one
				rocket.start();
				List<String> wrongAnswers = new CopyOnWriteArrayList<>();
				AtomicInteger unavailable = new AtomicInteger();
				AtomicLong firstAnswerNanos = new AtomicLong();
				long restartNanos = System.nanoTime();
				Thread poller = Thread.ofPlatform().start(() -> pollDuringBoot(client, rocket, stable, wrongAnswers,
						unavailable, firstAnswerNanos));
				poller.join(TimeUnit.SECONDS.toMillis(120));
				assertThat(firstAnswerNanos.get()).as("rocket-cri answered after the restart; log: %s\n%s",
						rocket.currentLog(), rocket.tail(40)).isPositive();
				System.out.printf("[churn] restart: first right answer after %d ms (%d UNAVAILABLE before it)%n",
						TimeUnit.NANOSECONDS.toMillis(firstAnswerNanos.get() - restartNanos), unavailable.get());
				assertThat(wrongAnswers).as("answers during boot").isEmpty();

				// the three accounts
				if (round == 1) {
					downWindow = new Instant[] { killedAt, restartedAt };
				}
				checkStable(client, stable, downWindow[0], downWindow[1]);
				Map<String, PodSandbox> pods = listPods(client);
				Map<String, Container> containers = listContainers(client);
				List<String> problems = new ArrayList<>(checkChurnObjects(pods, containers));
				churnErrors.forEach(e -> problems.add("churn call failed before the kill: " + e));
				HostInventory after = awaitSettled(runtime, CGROUP_PARENT, inv -> unexplained(client, inv, pods, containers).isEmpty());
				problems.addAll(unexplained(client, after, pods, containers));
				if (!problems.isEmpty()) {
					System.out.println("[churn] at kill time: " + atKill);
					System.out.println("[churn] after restart: " + after);
				}
				assertThat(problems).as("churn objects and host objects after the restart").isEmpty();
				System.out.printf("[churn] after the restart: %d pods, %d containers listed; host: %d conmon, %d rootfs mounts, "
						+ "%d pinned netns, %d IPs, %d cgroups%n", pods.size(), containers.size(), after.conmons().size(),
						after.rootfsMounts().size(), after.netnsPins().size(), after.ipAllocations().size(),
						after.cgroups().size());
			}

			// everything goes over CRI, and then nothing is left on the host
			long removeStart = System.nanoTime();
			int podCount = listPods(client).size();
			PodFixtures.removeAll(client);
			HostInventory end = awaitSettled(runtime, CGROUP_PARENT, inv -> inv.leftovers().isEmpty());
			assertThat(end.leftovers()).as("left on the host after removing every pod").isEmpty();
			System.out.printf("[churn] removed %d pods in %d ms; host clean%n", podCount,
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - removeStart));
			passed = true;
		}
		finally {
			client.close();
			rocket.close();
			if (!passed) {
				System.out.println("[churn] failed; runtime logs: " + rocket.currentLog());
				ForceClean.all(runtime);
			}
			PodFixtures.cleanHost(runtime.state(), CGROUP_PARENT, BRIDGE);
		}
	}

	private List<Stable> startStablePods(CriSocketClient client, PodFixtures fixtures, String image) {
		List<Stable> stable = new ArrayList<>();
		for (int i = 0; i < PODS; i++) {
			Kind kind = Kind.values()[i % Kind.values().length];
			String name = "stable-" + i;
			PodSandboxConfig config = fixtures.pod(name, false, i % 5 == 0);
			String podId = PodFixtures.run(client, config);
			int exitCode = switch (kind) {
				case LONG -> 0;
				case EXITS_WHILE_DOWN -> 20 + i;
				case EXITED_BEFORE -> 100 + i;
			};
			String[] command = switch (kind) {
				case LONG -> new String[] { "sleep", "3600" };
				case EXITS_WHILE_DOWN -> new String[] { "sh", "-c",
						"while [ ! -e /stop ]; do sleep 0.1; done; exit " + exitCode };
				case EXITED_BEFORE -> new String[] { "sh", "-c", "exit " + exitCode };
			};
			String containerId = PodFixtures.rpc(client)
				.createContainer(PodFixtures.container(podId, config, "main", image, command))
				.getContainerId();
			PodFixtures.rpc(client).startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
			stable.add(new Stable(name, podId, containerId, kind, exitCode));
		}
		return stable;
	}

	private static void awaitExitedBefore(CriSocketClient client, List<Stable> stable) throws InterruptedException {
		for (Stable s : stable) {
			if (s.kind() == Kind.EXITED_BEFORE) {
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
				while (status(client, s.containerId()).getState() != ContainerState.CONTAINER_EXITED
						&& System.nanoTime() < deadline) {
					Thread.sleep(50);
				}
			}
		}
	}

	/** One churn thread: pods and containers come and go; every answer is written down. */
	private void churn(CriSocketClient client, PodFixtures fixtures, String image, int round, int thread, Random random) {
		List<String[]> live = new ArrayList<>(); // {podName, podId}
		int n = 0;
		while (!killed.get()) {
			String podName = "churn-" + round + "-" + thread + "-" + n++;
			String containerName = podName + "/c";
			try {
				PodSandboxConfig config = fixtures.pod(podName, random.nextInt(4) == 0, random.nextInt(4) == 0);
				expectedPods.put(podName, Set.of(ABSENT, "READY"));
				runsInFlight.incrementAndGet();
				String podId;
				try {
					podId = PodFixtures.run(client, config);
				}
				finally {
					runsInFlight.decrementAndGet();
				}
				expectedPods.put(podName, Set.of("READY"));
				live.add(new String[] { podName, podId });

				expectedContainers.put(containerName, Set.of(ABSENT, "CREATED"));
				String containerId = PodFixtures.rpc(client)
					.createContainer(PodFixtures.container(podId, config, "c", image, "sleep", "3600"))
					.getContainerId();
				expectedContainers.put(containerName, Set.of("CREATED"));
				if (random.nextInt(5) > 0) {
					expectedContainers.put(containerName, Set.of("CREATED", "RUNNING"));
					PodFixtures.rpc(client).startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
					expectedContainers.put(containerName, Set.of("RUNNING"));
				}
				int fate = random.nextInt(3);
				if (fate >= 1) {
					expectedContainers.put(containerName, Set.of("CREATED", "RUNNING", "EXITED"));
					PodFixtures.rpc(client).stopContainer(StopContainerRequest.newBuilder().setContainerId(containerId)
						.setTimeout(random.nextInt(2)).build());
					expectedContainers.put(containerName, Set.of("EXITED"));
				}
				if (fate == 2) {
					expectedContainers.put(containerName, Set.of("EXITED", ABSENT));
					PodFixtures.rpc(client).removeContainer(RemoveContainerRequest.newBuilder().setContainerId(containerId).build());
					expectedContainers.put(containerName, Set.of(ABSENT));
				}
				while (live.size() > CHURN_POD_CAP) {
					String[] oldest = live.removeFirst();
					String oldContainer = oldest[0] + "/c";
					Set<String> containerBefore = expectedContainers.getOrDefault(oldContainer, Set.of(ABSENT));
					Set<String> stopping = new HashSet<>(containerBefore);
					stopping.add(containerBefore.equals(Set.of(ABSENT)) ? ABSENT : "EXITED");
					expectedContainers.put(oldContainer, stopping);
					expectedPods.put(oldest[0], Set.of("READY", "NOTREADY"));
					PodFixtures.rpc(client).stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(oldest[1]).build());
					expectedPods.put(oldest[0], Set.of("NOTREADY"));
					expectedContainers.put(oldContainer, containerBefore.equals(Set.of(ABSENT)) ? Set.of(ABSENT) : Set.of("EXITED"));
					Set<String> removing = new HashSet<>(expectedContainers.get(oldContainer));
					removing.add(ABSENT);
					expectedContainers.put(oldContainer, removing);
					expectedPods.put(oldest[0], Set.of("NOTREADY", ABSENT));
					PodFixtures.rpc(client).removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(oldest[1]).build());
					expectedPods.put(oldest[0], Set.of(ABSENT));
					expectedContainers.put(oldContainer, Set.of(ABSENT));
				}
			}
			catch (StatusRuntimeException ex) {
				if (!killed.get()) {
					churnErrors.add(podName + ": " + ex.getStatus());
				}
				return;
			}
		}
	}

	/** Pulls and removes the big images in turn, so that the kill is likely to hit a pull. */
	private void pulls(CriSocketClient client, List<String> images) {
		int i = 0;
		while (!killed.get()) {
			String image = images.get(i++ % images.size());
			try {
				pullsInFlight.incrementAndGet();
				try {
					client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
				}
				finally {
					pullsInFlight.decrementAndGet();
				}
				client.images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
			}
			catch (StatusRuntimeException ex) {
				if (!killed.get()) {
					churnErrors.add("pull " + image + ": " + ex.getStatus());
				}
				return;
			}
		}
	}

	/**
	 * Lists containers and pods from the moment the new JVM is started: each answer is UNAVAILABLE
	 * (not up yet, or the boot gate closed) or right about the 30 pods; the first right one ends it.
	 */
	private static void pollDuringBoot(CriSocketClient client, ChildRuntime rocket, List<Stable> stable,
			List<String> wrong, AtomicInteger unavailable, AtomicLong firstAnswer) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(110);
		while (System.nanoTime() < deadline && rocket.isAlive()) {
			try {
				List<Container> listed = client.runtime().withDeadlineAfter(5, TimeUnit.SECONDS)
					.listContainers(ListContainersRequest.getDefaultInstance()).getContainersList();
				long now = System.nanoTime();
				Map<String, Container> byId = new HashMap<>();
				listed.forEach(c -> byId.put(c.getId(), c));
				for (Stable s : stable) {
					Container c = byId.get(s.containerId());
					ContainerState want = s.kind() == Kind.LONG ? ContainerState.CONTAINER_RUNNING
							: ContainerState.CONTAINER_EXITED;
					if (c == null || c.getState() != want) {
						wrong.add("first list after restart: container " + s.containerId() + " of " + s.podName() + " is "
								+ (c == null ? "missing" : c.getState()) + ", expected " + want);
					}
				}
				firstAnswer.set(now);
				return;
			}
			catch (StatusRuntimeException ex) {
				if (PodFixtures.isUnavailable(ex)) {
					unavailable.incrementAndGet();
				}
				else {
					wrong.add("during boot: " + ex.getStatus());
				}
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	private static void checkStable(CriSocketClient client, List<Stable> stable, Instant killedAt, Instant restartedAt) {
		for (Stable s : stable) {
			assertThat(PodFixtures.rpc(client).podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(s.podId()).build())
				.getStatus().getState()).as("pod %s", s.podName()).isEqualTo(PodSandboxState.SANDBOX_READY);
			ContainerStatus status = status(client, s.containerId());
			switch (s.kind()) {
				case LONG -> assertThat(status.getState()).as("container of %s", s.podName())
					.isEqualTo(ContainerState.CONTAINER_RUNNING);
				case EXITS_WHILE_DOWN -> {
					assertThat(status.getState()).as("container of %s", s.podName()).isEqualTo(ContainerState.CONTAINER_EXITED);
					assertThat(status.getExitCode()).as("exit code of %s (exited while rocket-cri was down)", s.podName())
						.isEqualTo(s.exitCode());
					assertThat(Instant.ofEpochSecond(0, status.getFinishedAt()))
						.as("finish time of %s (exited while rocket-cri was down)", s.podName())
						.isAfterOrEqualTo(killedAt.minusSeconds(1))
						.isBeforeOrEqualTo(restartedAt.plusSeconds(1));
				}
				case EXITED_BEFORE -> {
					assertThat(status.getState()).as("container of %s", s.podName()).isEqualTo(ContainerState.CONTAINER_EXITED);
					assertThat(status.getExitCode()).as("exit code of %s", s.podName()).isEqualTo(s.exitCode());
					assertThat(Instant.ofEpochSecond(0, status.getFinishedAt())).as("finish time of %s", s.podName())
						.isBeforeOrEqualTo(killedAt);
				}
			}
		}
	}

	/** Every churn object is in a state its last call (done or cut off by the kill) allows, and nothing else is listed. */
	private List<String> checkChurnObjects(Map<String, PodSandbox> pods, Map<String, Container> containers) {
		Map<String, String> podStates = new TreeMap<>();
		Map<String, String> podNameById = new HashMap<>();
		for (PodSandbox pod : pods.values()) {
			podNameById.put(pod.getId(), pod.getMetadata().getName());
			podStates.put(pod.getMetadata().getName(), pod.getState().name().replace("SANDBOX_", ""));
		}
		Map<String, String> containerStates = new TreeMap<>();
		List<String> mismatches = new ArrayList<>();
		for (Container c : containers.values()) {
			String podName = podNameById.get(c.getPodSandboxId());
			if (podName == null) {
				mismatches.add("container " + c.getId() + " belongs to no listed pod");
				continue;
			}
			containerStates.put(podName.startsWith("stable-") ? podName : podName + "/" + c.getMetadata().getName(),
					c.getState().name().replace("CONTAINER_", ""));
		}
		expectedPods.forEach((name, allowed) -> {
			String actual = podStates.getOrDefault(name, ABSENT);
			if (!allowed.contains(actual)) {
				mismatches.add("pod " + name + " is " + actual + ", expected one of " + allowed);
			}
		});
		expectedContainers.forEach((name, allowed) -> {
			String actual = containerStates.getOrDefault(name, ABSENT);
			if (!allowed.contains(actual)) {
				mismatches.add("container " + name + " is " + actual + ", expected one of " + allowed);
			}
		});
		podStates.keySet().stream().filter(n -> !n.startsWith("stable-") && !expectedPods.containsKey(n))
			.forEach(n -> mismatches.add("pod " + n + " is listed but was never asked for"));
		containerStates.keySet().stream().filter(n -> !n.startsWith("stable-") && !expectedContainers.containsKey(n))
			.forEach(n -> mismatches.add("container " + n + " is listed but was never asked for"));
		Collections.sort(mismatches);
		return mismatches;
	}

	/**
	 * What the host holds that the listed objects do not explain, and what listed objects lack:
	 * a running container has its conmon, mount and cgroup; a ready pod its netns pin and exactly
	 * the IP its status shows.
	 */
	static List<String> unexplained(CriSocketClient client, HostInventory host, Map<String, PodSandbox> pods,
			Map<String, Container> containers) {
		List<String> problems = new ArrayList<>();
		Set<String> podIds = pods.keySet();
		Set<String> containerIds = containers.keySet();
		Set<String> processIds = new HashSet<>(containerIds);
		processIds.addAll(podIds); // infra processes carry their pod's id
		notIn(problems, "rootfs mount", host.rootfsMounts(), containerIds);
		notIn(problems, "pinned netns", host.netnsPins(), podIds);
		notIn(problems, "ipc/uts pin", host.otherPins(), podIds);
		notIn(problems, "shm mount", host.shmMounts(), podIds);
		host.strayMounts().forEach(m -> problems.add("stray mount: " + m));
		notIn(problems, "IP allocation of", new HashSet<>(host.ipAllocations().values()), podIds);
		notIn(problems, "cgroup", host.cgroups(), processIds);
		notIn(problems, "conmon of", host.conmons(), processIds);
		host.helpers().forEach((pid, cmd) -> problems.add("process " + pid + ": " + cmd));
		host.ingest().forEach(f -> problems.add("ingest leftover " + f));
		notIn(problems, "bundle", host.bundles(), processIds);
		notIn(problems, "container layer", host.containerDirs(), containerIds);
		notIn(problems, "pod directory", host.podDirs(), podIds);
		notIn(problems, "conmon persist dir", host.persistDirs(), processIds);
		notIn(problems, "exit file", host.exitFiles(), processIds);
		notIn(problems, "runc state", host.runcStates(), processIds);
		for (Container c : containers.values()) {
			if (c.getState() == ContainerState.CONTAINER_RUNNING || c.getState() == ContainerState.CONTAINER_CREATED) {
				require(problems, c, "conmon", host.conmons());
				require(problems, c, "rootfs mount", host.rootfsMounts());
				require(problems, c, "bundle", host.bundles());
				require(problems, c, "runc state", host.runcStates());
			}
			if (c.getState() == ContainerState.CONTAINER_RUNNING) {
				require(problems, c, "cgroup", host.cgroups());
			}
			if (c.getState() == ContainerState.CONTAINER_EXITED && host.conmons().contains(c.getId())) {
				problems.add("EXITED container " + c.getId() + " (" + c.getMetadata().getName() + ") still has a conmon");
			}
			if (c.getState() == ContainerState.CONTAINER_UNKNOWN) {
				problems.add("container " + c.getId() + " is UNKNOWN after reconciliation");
			}
		}
		Map<String, List<String>> ipsByPod = new HashMap<>();
		host.ipAllocations().forEach((ip, pod) -> ipsByPod.computeIfAbsent(pod, k -> new ArrayList<>()).add(ip));
		for (PodSandbox pod : pods.values()) {
			if (pod.getState() != PodSandboxState.SANDBOX_READY) {
				continue;
			}
			var status = PodFixtures.rpc(client)
				.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(pod.getId()).build()).getStatus();
			boolean hostNetwork = status.getLinux().getNamespaces().getOptions().getNetwork()
					== io.rocketcri.cri.api.NamespaceMode.NODE;
			if (hostNetwork) {
				continue;
			}
			if (!host.netnsPins().contains(pod.getId())) {
				problems.add("ready pod " + pod.getId() + " has no pinned netns");
			}
			List<String> ips = ipsByPod.getOrDefault(pod.getId(), List.of());
			if (!ips.equals(List.of(status.getNetwork().getIp()))) {
				problems.add("ready pod " + pod.getId() + " shows IP " + status.getNetwork().getIp() + ", host-local holds "
						+ ips);
			}
		}
		return problems;
	}

	private static void notIn(List<String> problems, String what, Set<String> found, Set<String> explained) {
		for (String id : found) {
			if (!explained.contains(id)) {
				problems.add(what + " " + id + " belongs to nothing listed");
			}
		}
	}

	private static void require(List<String> problems, Container c, String what, Set<String> present) {
		if (!present.contains(c.getId())) {
			problems.add(c.getState() + " container " + c.getId() + " (" + c.getMetadata().getName() + ") has no " + what);
		}
	}

	/** Conmon and helper processes finish on their own schedule: look again until the condition holds, for a while. */
	static HostInventory awaitSettled(RuntimeUnderTest runtime, String cgroupParent,
			java.util.function.Predicate<HostInventory> settled) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		HostInventory inventory = HostInventory.read(runtime, cgroupParent);
		while (!settled.test(inventory) && System.nanoTime() < deadline) {
			Thread.sleep(200);
			inventory = HostInventory.read(runtime, cgroupParent);
		}
		return inventory;
	}

	static Map<String, PodSandbox> listPods(CriSocketClient client) {
		Map<String, PodSandbox> pods = new HashMap<>();
		PodFixtures.rpc(client).listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()
			.forEach(p -> pods.put(p.getId(), p));
		return pods;
	}

	static Map<String, Container> listContainers(CriSocketClient client) {
		Map<String, Container> containers = new HashMap<>();
		PodFixtures.rpc(client).listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()
			.forEach(c -> containers.put(c.getId(), c));
		return containers;
	}

	private static ContainerStatus status(CriSocketClient client, String id) {
		return PodFixtures.rpc(client).containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build())
			.getStatus();
	}

	private static void awaitFile(Path file, Duration limit) throws InterruptedException {
		long deadline = System.nanoTime() + limit.toNanos();
		while (!Files.exists(file) && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		assertThat(file).as("conmon's exit file").exists();
	}

}
