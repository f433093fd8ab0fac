package io.rocketcri.cri;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.grpc.Context;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerEventResponse;
import io.rocketcri.cri.api.ContainerEventType;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.ContainerState;
import io.rocketcri.cri.api.ContainerStats;
import io.rocketcri.cri.api.ContainerStatsFilter;
import io.rocketcri.cri.api.ContainerStatsRequest;
import io.rocketcri.cri.api.ContainerStatus;
import io.rocketcri.cri.api.ContainerStatusRequest;
import io.rocketcri.cri.api.CreateContainerRequest;
import io.rocketcri.cri.api.GetEventsRequest;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.LinuxContainerConfig;
import io.rocketcri.cri.api.LinuxContainerResources;
import io.rocketcri.cri.api.LinuxPodSandboxConfig;
import io.rocketcri.cri.api.ListContainerStatsRequest;
import io.rocketcri.cri.api.ListMetricDescriptorsRequest;
import io.rocketcri.cri.api.ListPodSandboxMetricsRequest;
import io.rocketcri.cri.api.ListPodSandboxStatsRequest;
import io.rocketcri.cri.api.Metric;
import io.rocketcri.cri.api.MetricDescriptor;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.cri.api.PodSandboxMetrics;
import io.rocketcri.cri.api.PodSandboxStats;
import io.rocketcri.cri.api.PodSandboxStatsFilter;
import io.rocketcri.cri.api.PodSandboxStatsRequest;
import io.rocketcri.cri.api.PodSandboxStatusRequest;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.cri.api.RemoveContainerRequest;
import io.rocketcri.cri.api.RemovePodSandboxRequest;
import io.rocketcri.cri.api.RunPodSandboxRequest;
import io.rocketcri.cri.api.StartContainerRequest;
import io.rocketcri.cri.api.StopPodSandboxRequest;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.OciImageBuilder;
import io.rocketcri.testsupport.PushedImage;
import io.rocketcri.testsupport.RuntimeUnderTest;
import io.rocketcri.testsupport.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stats, metrics, events and OOM reporting for real: a CPU burner and a memory filler in a pod
 * with its own cgroup parent and a CNI bridge network, read over the CRI socket; an event
 * watcher following a container's life; the Prometheus endpoint.
 */
@Tag("host")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CriStatsEventsHostTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("stats-events");

	static final TestRegistry registry = TestRegistry.shared();

	static final String BRIDGE = "rcri-ev-it";

	/** Parent of the pods' own cgroups, removed afterwards (runc leaves parents it created). */
	static final String CGROUP_ROOT = "rocket-cri-ev-it";

	static CriSocketClient client;

	static PushedImage busybox;

	@LocalServerPort
	int httpPort;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry props) throws IOException {
		runtime.register(props);
		runtime.bridgeNetwork("rocket-ev-it", BRIDGE, "10.232.11.0/24", false);
		runtime.trustRegistry(registry.address());
	}

	@BeforeAll
	static void connect() {
		client = new CriSocketClient(runtime.socket());
	}

	@BeforeEach
	void pullBusyboxOnce() {
		if (busybox == null) {
			busybox = registry.pusher()
				.push(OciImageBuilder.busybox().cmd("sh").build(), TestRegistry.uniqueRepository("bb"), "v1");
			client.images()
				.pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(busybox.reference())).build());
		}
	}

	@AfterAll
	static void tearDown() throws Exception {
		client.close();
		new ProcessBuilder("ip", "link", "del", BRIDGE).start().waitFor();
		for (String controller : List.of("cpu", "cpuacct", "memory", "pids", "blkio", "devices", "freezer", "cpuset",
				"systemd", "unified", "")) {
			Path dir = Path.of("/sys/fs/cgroup", controller, CGROUP_ROOT);
			if (Files.isDirectory(dir)) {
				try (Stream<Path> tree = Files.walk(dir)) {
					// cgroup directories go with rmdir, deepest first; their files cannot be deleted
					tree.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(d -> d.toFile().delete());
				}
			}
		}
	}

	static PodSandboxConfig podConfig(String name) {
		String uid = UUID.randomUUID().toString();
		return PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("ev-it").setUid(uid))
			.setHostname(name)
			.setLogDirectory(runtime.root().resolve("logs/" + name).toString())
			.setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/" + CGROUP_ROOT + "/pod" + uid))
			.putLabels("app", name)
			.build();
	}

	static String runPod(PodSandboxConfig config) {
		return client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
	}

	static String createContainer(String podId, PodSandboxConfig pod, String name, LinuxContainerResources resources,
			String script) {
		ContainerConfig.Builder config = ContainerConfig.newBuilder()
			.setMetadata(ContainerMetadata.newBuilder().setName(name))
			.setImage(ImageSpec.newBuilder().setImage(busybox.reference()))
			.addAllCommand(List.of("sh", "-c", script))
			.setLogPath(name + ".log")
			.putLabels("role", name);
		if (resources != null) {
			config.setLinux(LinuxContainerConfig.newBuilder().setResources(resources));
		}
		return client.runtime()
			.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId).setSandboxConfig(pod).setConfig(config).build())
			.getContainerId();
	}

	static void start(String id) {
		client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
	}

	static void cleanup(String podId) {
		client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
		client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
	}

	@Test
	void statsOfABusyPodMoveAndFiltersSelect() throws Exception {
		PodSandboxConfig config = podConfig("busy");
		String podId = runPod(config);
		try {
			String burner = createContainer(podId, config, "burner", null, "while true; do :; done");
			// a 4 MiB string, kept: the shell must not end in a command it would exec (and so free the string)
			String filler = createContainer(podId, config, "filler", null,
					"x=a; i=0; while [ $i -lt 22 ]; do x=$x$x; i=$((i+1)); done; while true; do sleep 1; done");
			start(burner);
			start(filler);
			ContainerStats first = containerStats(burner);
			Thread.sleep(1500);
			ContainerStats second = containerStats(burner);
			// the CI host is shared: a busy loop gets well under a core at times, so the bounds are low
			assertThat(second.getCpu().getUsageCoreNanoSeconds().getValue())
				.isGreaterThan(first.getCpu().getUsageCoreNanoSeconds().getValue() + 50_000_000L);
			assertThat(second.getCpu().getUsageNanoCores().getValue()).as("a busy loop's rate")
				.isGreaterThan(50_000_000L);
			awaitWorkingSetAbove(filler, 4L << 20);

			// traffic to the pod: a TCP attempt from the host (refused, but counted both ways)
			String ip = client.runtime()
				.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build())
				.getStatus().getNetwork().getIp();
			try (Socket s = new Socket()) {
				s.connect(new InetSocketAddress(ip, 9), 2000);
			}
			catch (IOException expected) {
				// connection refused by the pod's kernel: that reply is the transmitted traffic
			}

			PodSandboxStats pod = client.runtime()
				.podSandboxStats(PodSandboxStatsRequest.newBuilder().setPodSandboxId(podId).build())
				.getStats();
			assertThat(pod.getAttributes().getId()).isEqualTo(podId);
			assertThat(pod.getAttributes().getLabelsMap()).containsEntry("app", "busy");
			var linux = pod.getLinux();
			assertThat(linux.getCpu().getUsageCoreNanoSeconds().getValue()).as("the pod cgroup counts its containers")
				.isGreaterThanOrEqualTo(second.getCpu().getUsageCoreNanoSeconds().getValue());
			assertThat(linux.getMemory().getWorkingSetBytes().getValue()).isGreaterThan(4L << 20);
			assertThat(linux.getProcess().getProcessCount().getValue()).as("two shells and a sleep").isGreaterThanOrEqualTo(3);
			assertThat(linux.getNetwork().getDefaultInterface().getName()).isEqualTo("eth0");
			assertThat(linux.getNetwork().getDefaultInterface().getRxBytes().getValue()).isPositive();
			assertThat(linux.getNetwork().getDefaultInterface().getTxBytes().getValue()).isPositive();
			assertThat(linux.getNetwork().getInterfacesList()).extracting(i -> i.getName()).doesNotContain("lo");
			assertThat(linux.getContainersList()).extracting(c -> c.getAttributes().getId())
				.containsExactlyInAnyOrder(burner, filler);
			long cpuBefore = linux.getCpu().getUsageCoreNanoSeconds().getValue();
			Thread.sleep(1000);
			var again = listPodStats(PodSandboxStatsFilter.newBuilder().setId(podId).build());
			assertThat(again).hasSize(1);
			assertThat(again.getFirst().getLinux().getCpu().getUsageCoreNanoSeconds().getValue()).isGreaterThan(cpuBefore);
			assertThat(again.getFirst().getLinux().getCpu().getUsageNanoCores().getValue()).isGreaterThan(50_000_000L);

			// filters: id prefix and labels select this pod; other labels select nothing
			assertThat(listPodStats(PodSandboxStatsFilter.newBuilder().setId(podId.substring(0, 12)).build()))
				.extracting(s -> s.getAttributes().getId()).containsExactly(podId);
			assertThat(listPodStats(PodSandboxStatsFilter.newBuilder().putLabelSelector("app", "busy").build()))
				.extracting(s -> s.getAttributes().getId()).containsExactly(podId);
			assertThat(listPodStats(PodSandboxStatsFilter.newBuilder().putLabelSelector("app", "other").build())).isEmpty();
			assertThat(listContainerStats(ContainerStatsFilter.newBuilder().setPodSandboxId(podId).build()))
				.containsExactlyInAnyOrder(burner, filler);
			assertThat(listContainerStats(ContainerStatsFilter.newBuilder().setPodSandboxId(podId)
				.putLabelSelector("role", "filler").build())).containsExactly(filler);
			assertThat(listContainerStats(ContainerStatsFilter.newBuilder().setId(burner.substring(0, 12)).build()))
				.containsExactly(burner);

			// cAdvisor-style metrics: every sample matches its descriptor's labels
			Map<String, MetricDescriptor> descriptors = new java.util.HashMap<>();
			client.runtime().listMetricDescriptors(ListMetricDescriptorsRequest.getDefaultInstance())
				.getDescriptorsList().forEach(d -> descriptors.put(d.getName(), d));
			assertThat(descriptors).containsKeys("container_cpu_usage_seconds_total", "container_memory_working_set_bytes",
					"container_memory_usage_bytes", "container_memory_rss", "container_network_receive_bytes_total",
					"container_network_transmit_bytes_total");
			PodSandboxMetrics metrics = client.runtime()
				.listPodSandboxMetrics(ListPodSandboxMetricsRequest.getDefaultInstance())
				.getPodMetricsList().stream().filter(m -> m.getPodSandboxId().equals(podId)).findFirst().orElseThrow();
			List<Metric> all = new ArrayList<>(metrics.getMetricsList());
			metrics.getContainerMetricsList().forEach(c -> all.addAll(c.getMetricsList()));
			assertThat(all).allSatisfy(m -> assertThat(m.getLabelValuesCount())
				.isEqualTo(descriptors.get(m.getName()).getLabelKeysCount()));
			assertThat(metrics.getMetricsList()).anySatisfy(m -> {
				assertThat(m.getName()).isEqualTo("container_network_receive_bytes_total");
				assertThat(m.getLabelValuesList()).contains("eth0");
				assertThat(m.getValue().getValue()).isPositive();
			});
			var burnerMetrics = metrics.getContainerMetricsList().stream()
				.filter(c -> c.getContainerId().equals(burner)).findFirst().orElseThrow().getMetricsList();
			assertThat(burnerMetrics).anySatisfy(m -> {
				// whole seconds (CRI metric values are integers): may still be 0 on a loaded host
				assertThat(m.getName()).isEqualTo("container_cpu_usage_seconds_total");
				assertThat(m.getMetricType()).isEqualTo(io.rocketcri.cri.api.MetricType.COUNTER);
				assertThat(m.getLabelValuesList()).startsWith("burner", burner);
			});
			var fillerMetrics = metrics.getContainerMetricsList().stream()
				.filter(c -> c.getContainerId().equals(filler)).findFirst().orElseThrow().getMetricsList();
			assertThat(fillerMetrics).anySatisfy(m -> {
				assertThat(m.getName()).isEqualTo("container_memory_working_set_bytes");
				assertThat(m.getMetricType()).isEqualTo(io.rocketcri.cri.api.MetricType.GAUGE);
				assertThat(m.getLabelValuesList()).startsWith("filler", filler);
				assertThat(m.getValue().getValue()).isGreaterThan(4L << 20);
			});
		}
		finally {
			cleanup(podId);
		}
	}

	@Test
	void aWatcherSeesAContainersWholeLifeInOrderWithoutAskingForItsStatus() throws Exception {
		PodSandboxConfig config = podConfig("events");
		String podId = runPod(config);
		BlockingQueue<ContainerEventResponse> seen = new LinkedBlockingQueue<>();
		Context.CancellableContext watch = Context.current().withCancellation();
		Thread watcher = Thread.ofVirtual().start(() -> watch.run(() -> {
			try {
				Iterator<ContainerEventResponse> events = client.runtime()
					.getContainerEvents(GetEventsRequest.getDefaultInstance());
				events.forEachRemaining(seen::add);
			}
			catch (RuntimeException ex) {
				// cancelled at the end of the test
			}
		}));
		try {
			Thread.sleep(300); // the stream is open before the first event
			String id = createContainer(podId, config, "short", null, "sleep 1; exit 3");
			start(id);
			ContainerEventResponse created = next(seen, id);
			ContainerEventResponse started = next(seen, id);
			ContainerEventResponse stopped = next(seen, id); // nobody calls ContainerStatus meanwhile
			client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
			ContainerEventResponse deleted = next(seen, id);

			assertThat(List.of(created, started, stopped, deleted)).extracting(ContainerEventResponse::getContainerEventType)
				.containsExactly(ContainerEventType.CONTAINER_CREATED_EVENT, ContainerEventType.CONTAINER_STARTED_EVENT,
						ContainerEventType.CONTAINER_STOPPED_EVENT, ContainerEventType.CONTAINER_DELETED_EVENT);
			assertThat(created.getPodSandboxStatus().getId()).isEqualTo(podId);
			assertThat(status(created, id).getState()).isEqualTo(ContainerState.CONTAINER_CREATED);
			assertThat(status(started, id).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
			ContainerStatus exited = status(stopped, id);
			assertThat(exited.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
			assertThat(exited.getExitCode()).isEqualTo(3);
			assertThat(exited.getReason()).isEqualTo("Error");
			assertThat(deleted.getContainersStatusesList()).noneMatch(c -> c.getId().equals(id));
			assertThat(started.getCreatedAt()).isGreaterThanOrEqualTo(created.getCreatedAt());
			assertThat(deleted.getCreatedAt()).isGreaterThanOrEqualTo(stopped.getCreatedAt());
		}
		finally {
			watch.cancel(null);
			watcher.join(5000);
			cleanup(podId);
		}
	}

	@Test
	void aContainerKilledForMemoryIsReportedOomKilled() throws Exception {
		PodSandboxConfig config = podConfig("oom");
		String podId = runPod(config);
		try {
			String id = createContainer(podId, config, "hog",
					LinuxContainerResources.newBuilder().setMemoryLimitInBytes(16L << 20).build(),
					"x=a; while true; do x=$x$x; done");
			start(id);
			ContainerStatus status = null;
			for (int i = 0; i < 300; i++) {
				status = client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
				if (status.getState() == ContainerState.CONTAINER_EXITED) {
					break;
				}
				Thread.sleep(100);
			}
			assertThat(status.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
			assertThat(status.getReason()).isEqualTo("OOMKilled");
			assertThat(status.getExitCode()).as("SIGKILL").isEqualTo(137);
		}
		finally {
			cleanup(podId);
		}
	}

	@Test
	void prometheusShowsCriOperationHistogramsAndReadinessFollowsTheRuntime() throws Exception {
		PodSandboxConfig config = podConfig("metrics");
		cleanup(runPod(config));
		HttpClient http = HttpClient.newHttpClient();
		String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/prometheus")).build(),
				HttpResponse.BodyHandlers.ofString()).body();
		assertThat(body).containsPattern("rocket_cri_operation_duration_seconds_bucket\\{[^}]*code=\"OK\"[^}]*operation=\"RunPodSandbox\"");
		assertThat(body).containsPattern("rocket_cri_operation_duration_seconds_count\\{[^}]*operation=\"StopPodSandbox\"[^}]*\\} [1-9]");
		assertThat(body).containsPattern("rocket_cri_image_pulls_total\\{[^}]*result=\"success\"[^}]*\\} [1-9]");
		assertThat(body).containsPattern("rocket_cri_oci_invocation_duration_seconds_count\\{[^}]*operation=\"start\"[^}]*tool=\"runc\"");
		assertThat(body).contains("rocket_cri_pods{").contains("rocket_cri_containers{");
		HttpResponse<String> readiness = http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/health/readiness")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(readiness.statusCode()).isEqualTo(200);
		assertThat(readiness.body()).contains("\"criRuntime\"").contains("\"RuntimeReady\":\"true\"");
	}

	private static ContainerStats containerStats(String id) {
		return client.runtime().containerStats(ContainerStatsRequest.newBuilder().setContainerId(id).build()).getStats();
	}

	private static void awaitWorkingSetAbove(String id, long bytes) throws InterruptedException {
		long last = 0;
		for (int i = 0; i < 100; i++) {
			last = containerStats(id).getMemory().getWorkingSetBytes().getValue();
			if (last > bytes) {
				return;
			}
			Thread.sleep(100);
		}
		throw new AssertionError("working set of " + id + " stayed at " + last + " bytes");
	}

	private static List<PodSandboxStats> listPodStats(PodSandboxStatsFilter filter) {
		return client.runtime().listPodSandboxStats(ListPodSandboxStatsRequest.newBuilder().setFilter(filter).build())
			.getStatsList();
	}

	private static List<String> listContainerStats(ContainerStatsFilter filter) {
		return client.runtime().listContainerStats(ListContainerStatsRequest.newBuilder().setFilter(filter).build())
			.getStatsList().stream().map(s -> s.getAttributes().getId()).toList();
	}

	private static ContainerEventResponse next(BlockingQueue<ContainerEventResponse> seen, String id)
			throws InterruptedException {
		while (true) {
			ContainerEventResponse e = seen.poll(10, TimeUnit.SECONDS);
			assertThat(e).as("an event for container %s within 10 s", id).isNotNull();
			if (e.getContainerId().equals(id)) {
				return e;
			}
		}
	}

	private static ContainerStatus status(ContainerEventResponse e, String id) {
		return e.getContainersStatusesList().stream().filter(c -> c.getId().equals(id)).findFirst()
			.orElseThrow(() -> new AssertionError("event " + e.getContainerEventType() + " lacks the status of " + id));
	}

}
