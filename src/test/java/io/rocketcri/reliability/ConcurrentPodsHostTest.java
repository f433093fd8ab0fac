package io.rocketcri.reliability;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.StatusRuntimeException;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.ListPodSandboxRequest;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.cri.api.RemovePodSandboxRequest;
import io.rocketcri.cri.api.StartContainerRequest;
import io.rocketcri.cri.api.StopPodSandboxRequest;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.OciImageBuilder;
import io.rocketcri.testsupport.RuntimeUnderTest;
import io.rocketcri.testsupport.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many kubelets' worth of clients at once: 50 create and remove pods (half on the bridge, half on
 * the host network, some with a running container) for a minute ({@code -Dconcurrency.seconds=}),
 * then the node must be clean: no netns, mounts, IPs, conmons, cgroups or rows. And kubelet's
 * retry after a timeout, sent while the first call still runs, gets the same sandbox.
 */
@Tag("host")
@SpringBootTest
class ConcurrentPodsHostTest {

	static final String BRIDGE = "rcri-rel2";

	static final String CGROUP_PARENT = "/rocket-cri-rel-concurrent";

	static final int CLIENTS = 50;

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("concurrent");

	static final PodFixtures fixtures = new PodFixtures(runtime.root().getParent().resolve("logs"), CGROUP_PARENT);

	static CriSocketClient client;

	static String busybox;

	@Autowired
	JdbcClient jdbc;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry props) {
		runtime.register(props);
		runtime.bridgeNetwork("rocket-rel-concurrent", BRIDGE, "10.232.44.0/24", false);
		TestRegistry registry = TestRegistry.shared();
		runtime.trustRegistry(registry.address());
		busybox = registry.pusher().push(OciImageBuilder.busybox().build(), TestRegistry.uniqueRepository("conc"), "v1")
			.reference();
	}

	@BeforeAll
	static void connect() {
		client = new CriSocketClient(runtime.socket());
	}

	@AfterAll
	static void tearDown() throws Exception {
		client.close();
		PodFixtures.cleanHost(runtime.state(), CGROUP_PARENT, BRIDGE);
	}

	@Test
	void fiftyClientsCreatingAndRemovingPodsLeaveTheNodeClean() throws Exception {
		client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(busybox)).build());
		long seconds = Long.getLong("concurrency.seconds", 60);
		long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		List<String> failures = new CopyOnWriteArrayList<>();
		AtomicInteger cycles = new AtomicInteger();
		try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<?>> running = new ArrayList<>();
			for (int c = 0; c < CLIENTS; c++) {
				int clientNo = c;
				running.add(clients.submit(() -> {
					for (int n = 0; System.nanoTime() < until; n++) {
						String name = "conc-" + clientNo + "-" + n;
						try {
							cycle(name, n % 2 == 0, n % 3 == 0);
							cycles.incrementAndGet();
						}
						catch (StatusRuntimeException ex) {
							failures.add(name + ": " + ex.getStatus());
						}
					}
				}));
			}
			for (Future<?> f : running) {
				f.get();
			}
		}
		System.out.printf("[concurrency] %d clients, %d s: %d pod cycles, %d failures%n", CLIENTS, seconds, cycles.get(),
				failures.size());
		assertThat(failures).as("calls that failed").isEmpty();
		assertThat(client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()).isEmpty();
		assertThat(jdbc.sql("SELECT COUNT(*) FROM pod_sandbox").query(Integer.class).single()).as("pod rows").isZero();
		assertThat(jdbc.sql("SELECT COUNT(*) FROM container").query(Integer.class).single()).as("container rows").isZero();
		HostInventory host = KillNineChurnHostTest.awaitSettled(runtime, CGROUP_PARENT, inv -> inv.leftovers().isEmpty());
		assertThat(host.leftovers()).as("left on the host").isEmpty();
	}

	/** One pod's life, as kubelet drives it. */
	private static void cycle(String name, boolean hostNetwork, boolean withContainer) {
		PodSandboxConfig config = fixtures.pod(name, hostNetwork, false);
		String podId = PodFixtures.run(client, config);
		if (withContainer) {
			String containerId = PodFixtures.rpc(client)
				.createContainer(PodFixtures.container(podId, config, "c", busybox, "sleep", "3600")).getContainerId();
			PodFixtures.rpc(client).startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
		}
		PodFixtures.rpc(client).stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
		PodFixtures.rpc(client).removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
	}

	@Test
	void concurrentRunPodSandboxWithTheSameMetadataGetsOneSandbox() throws Exception {
		PodSandboxConfig config = fixtures.pod("retried", false, false);
		int callers = 16;
		CountDownLatch go = new CountDownLatch(1);
		Set<String> ids = ConcurrentHashMap.newKeySet();
		List<String> failures = new CopyOnWriteArrayList<>();
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < callers; i++) {
				pool.submit(() -> {
					go.await();
					try {
						ids.add(PodFixtures.run(client, config));
					}
					catch (StatusRuntimeException ex) {
						failures.add(ex.getStatus().toString());
					}
					return null;
				});
			}
			go.countDown();
		}
		assertThat(failures).isEmpty();
		assertThat(ids).as("sandbox ids returned to %d identical calls", callers).hasSize(1);
		Set<String> listed = new HashSet<>();
		client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()
			.forEach(p -> listed.add(p.getId()));
		assertThat(listed).isEqualTo(ids);
		PodFixtures.removeAll(client);
		assertThat(KillNineChurnHostTest.awaitSettled(runtime, CGROUP_PARENT, inv -> inv.leftovers().isEmpty())
			.leftovers()).isEmpty();
	}

}
