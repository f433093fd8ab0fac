package io.rocketcri.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

import io.rocketcri.engine.CgroupReader.CgroupUsage;
import io.rocketcri.engine.NetworkCounters.InterfaceUsage;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.stats.ContainerStatsService.ContainerStats;
import io.rocketcri.stats.PodStatsService.PodStats;

import org.springframework.stereotype.Service;

/**
 * ListMetricDescriptors and ListPodSandboxMetrics: the container metrics cAdvisor exports, under
 * cAdvisor's names and label keys, so that kubelet can serve {@code /metrics/cadvisor} from the
 * runtime (PodAndContainerStatsFromCRI). Label values follow the descriptors' key order.
 *
 * <p>Pod-level series (the pod's cgroup and its network) carry an empty {@code container} label,
 * as cAdvisor's series for a pod cgroup do. CRI metric values are unsigned integers, so the
 * {@code *_seconds_total} counters are whole seconds.
 */
@Service
public class PodMetricsService {

	/** cAdvisor's label keys for a container's series (kubelet's names for them). */
	static final List<String> LABELS = List.of("container", "id", "image", "name", "namespace", "pod");

	static final List<String> NETWORK_LABELS = List.of("container", "id", "image", "name", "namespace", "pod",
			"interface");

	public enum Type {
		COUNTER, GAUGE
	}

	public record Descriptor(String name, String help, Type type, List<String> labelKeys) {
	}

	/** One sample; {@code labelValues} in the order of its descriptor's keys. */
	public record Sample(String name, Type type, List<String> labelValues, long value, long timestamp) {
	}

	public record ContainerSamples(String containerId, List<Sample> samples) {
	}

	public record PodSamples(String podId, List<Sample> samples, List<ContainerSamples> containers) {
	}

	private record CgroupMetric(Descriptor descriptor, ToLongFunction<CgroupUsage> value) {
	}

	private static final long NANOS = 1_000_000_000L;

	private static final List<CgroupMetric> CGROUP_METRICS = List.of(
			cgroup("container_cpu_usage_seconds_total", "CPU time used by the cgroup since it was created, whole seconds.", Type.COUNTER,
					u -> u.cpuNanos() / NANOS),
			cgroup("container_cpu_user_seconds_total", "CPU time spent in user mode, whole seconds.", Type.COUNTER,
					u -> u.userNanos() / NANOS),
			cgroup("container_cpu_system_seconds_total", "CPU time spent in the kernel, whole seconds.",
					Type.COUNTER, u -> u.systemNanos() / NANOS),
			cgroup("container_memory_usage_bytes", "Memory charged to the cgroup now, page cache included, in bytes.",
					Type.GAUGE, CgroupUsage::memoryUsage),
			cgroup("container_memory_working_set_bytes", "Memory charged minus inactive file pages (what eviction counts), in bytes.", Type.GAUGE,
					CgroupUsage::workingSet),
			cgroup("container_memory_rss", "Anonymous memory (heap, stacks) of the cgroup, in bytes.", Type.GAUGE, CgroupUsage::rss),
			cgroup("container_memory_cache", "Page cache charged to the cgroup, in bytes.", Type.GAUGE, CgroupUsage::cache),
			cgroup("container_memory_swap", "Bytes the cgroup has swapped out (0 when swap is not accounted).", Type.GAUGE,
					u -> Math.max(0, u.swapUsage())),
			cgroup("container_spec_memory_limit_bytes", "The cgroup's memory limit in bytes, 0 for none.", Type.GAUGE,
					u -> Math.max(0, u.memoryLimit())),
			cgroup("container_processes", "Tasks in the cgroup and its children.", Type.GAUGE,
					u -> Math.max(0, u.processes())));

	private record NetworkMetric(Descriptor descriptor, ToLongFunction<InterfaceUsage> value) {
	}

	private static final List<NetworkMetric> NETWORK_METRICS = List.of(
			network("container_network_receive_bytes_total", "Bytes received on the interface since it was created.",
					InterfaceUsage::rxBytes),
			network("container_network_receive_errors_total", "Receive errors on the interface since it was created.",
					InterfaceUsage::rxErrors),
			network("container_network_transmit_bytes_total", "Bytes sent on the interface since it was created.",
					InterfaceUsage::txBytes),
			network("container_network_transmit_errors_total",
					"Transmit errors on the interface since it was created.", InterfaceUsage::txErrors));

	private static final Descriptor LAST_SEEN = new Descriptor("container_last_seen",
			"When the runtime last sampled the container, seconds since the epoch.", Type.GAUGE, LABELS);

	private static final Descriptor START_TIME = new Descriptor("container_start_time_seconds",
			"When the container started, seconds since the epoch.", Type.GAUGE, LABELS);

	private final PodStatsService pods;

	PodMetricsService(PodStatsService pods) {
		this.pods = pods;
	}

	public List<Descriptor> descriptors() {
		List<Descriptor> out = new ArrayList<>();
		CGROUP_METRICS.forEach(m -> out.add(m.descriptor()));
		NETWORK_METRICS.forEach(m -> out.add(m.descriptor()));
		out.add(LAST_SEEN);
		out.add(START_TIME);
		return out;
	}

	public List<PodSamples> metrics() {
		return pods.list(null, Map.of()).stream().map(PodMetricsService::samples).toList();
	}

	static PodSamples samples(PodStats s) {
		PodSandbox pod = s.pod();
		List<String> podLabels = List.of("", pod.id(), "", pod.id(), pod.namespace(), pod.name());
		List<Sample> podSamples = new ArrayList<>();
		s.usage().ifPresent(u -> cgroupSamples(u, podLabels, s.timestamp(), podSamples));
		for (InterfaceUsage i : s.interfaces()) {
			List<String> labels = new ArrayList<>(podLabels);
			labels.add(i.name());
			for (NetworkMetric m : NETWORK_METRICS) {
				podSamples.add(sample(m.descriptor(), labels, m.value().applyAsLong(i), s.timestamp()));
			}
		}
		List<ContainerSamples> containers = new ArrayList<>();
		for (ContainerStats c : s.containers()) {
			if (c.usage().isEmpty()) {
				continue; // not running: cAdvisor has no cgroup to report either
			}
			var container = c.container();
			List<String> labels = List.of(container.name(), container.id(), container.imageName(), container.id(),
					pod.namespace(), pod.name());
			List<Sample> samples = new ArrayList<>();
			cgroupSamples(c.usage().get().cgroup(), labels, c.timestamp(), samples);
			samples.add(sample(LAST_SEEN, labels, c.timestamp() / NANOS, c.timestamp()));
			samples.add(sample(START_TIME, labels, container.startedAt() / NANOS, c.timestamp()));
			containers.add(new ContainerSamples(container.id(), samples));
		}
		return new PodSamples(pod.id(), podSamples, containers);
	}

	private static void cgroupSamples(CgroupUsage u, List<String> labels, long at, List<Sample> out) {
		for (CgroupMetric m : CGROUP_METRICS) {
			out.add(sample(m.descriptor(), labels, m.value().applyAsLong(u), at));
		}
	}

	private static Sample sample(Descriptor d, List<String> labels, long value, long at) {
		return new Sample(d.name(), d.type(), List.copyOf(labels), Math.max(0, value), at);
	}

	private static CgroupMetric cgroup(String name, String help, Type type, ToLongFunction<CgroupUsage> value) {
		return new CgroupMetric(new Descriptor(name, help, type, LABELS), value);
	}

	private static NetworkMetric network(String name, String help, ToLongFunction<InterfaceUsage> value) {
		return new NetworkMetric(new Descriptor(name, help, Type.COUNTER, NETWORK_LABELS), value);
	}

}
