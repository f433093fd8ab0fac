package io.rocketcri.stats;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerFilter;
import io.rocketcri.container.ContainerService;
import io.rocketcri.engine.PodEngine.ContainerUsage;
import io.rocketcri.pod.PodSandboxService;

import org.springframework.stereotype.Service;

/**
 * Container resource usage as kubelet's CRI stats provider reads it: cumulative CPU time plus the
 * rate since the previous sample (usage_nano_cores), memory working set, writable layer size.
 */
@Service
public class ContainerStatsService {

	private final ContainerService containers;

	private final PodSandboxService pods;

	/** Last CPU sample per container, to turn cumulative CPU time into a rate. */
	private final ConcurrentHashMap<String, Sample> previous = new ConcurrentHashMap<>();

	ContainerStatsService(ContainerService containers, PodSandboxService pods) {
		this.containers = containers;
		this.pods = pods;
	}

	/**
	 * @param usage empty when the container has no cgroup right now (created, exited)
	 * @param timestamp nanoseconds since the epoch when the sample was taken
	 */
	public record ContainerStats(Container container, Optional<ContainerUsage> usage, long nanoCores, long timestamp) {
	}

	public ContainerStats stats(String idOrPrefix) {
		return sample(containers.status(idOrPrefix));
	}

	public List<ContainerStats> list(ContainerFilter filter) {
		List<ContainerStats> out = containers.list(filter).stream().map(this::sample).toList();
		previous.keySet().retainAll(containers.list(ContainerFilter.ALL).stream().map(Container::id).toList());
		return out;
	}

	private ContainerStats sample(Container c) {
		long now = ContainerService.nowNanos();
		Optional<ContainerUsage> usage = pods.engine(pods.get(c.podId())).usage(c.id());
		long nanoCores = 0;
		if (usage.isPresent()) {
			long cpu = usage.get().cgroup().cpuNanos();
			Sample last = previous.put(c.id(), new Sample(now, cpu));
			if (last != null && now > last.at() && cpu >= last.cpuNanos()) {
				nanoCores = (cpu - last.cpuNanos()) * 1_000_000_000L / (now - last.at());
			}
		}
		return new ContainerStats(c, usage, nanoCores, now);
	}

	private record Sample(long at, long cpuNanos) {
	}

}
