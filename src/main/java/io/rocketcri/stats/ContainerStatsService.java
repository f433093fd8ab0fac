package io.rocketcri.stats;

import java.util.List;
import java.util.Optional;

import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerFilter;
import io.rocketcri.container.ContainerService;
import io.rocketcri.engine.PodEngine.ContainerUsage;
import io.rocketcri.pod.PodSandboxService;

import org.springframework.stereotype.Service;

/**
 * Container resource usage as kubelet's CRI stats provider reads it: cumulative CPU time plus the
 * rate since the previous sample (usage_nano_cores), memory working set, swap, writable layer size.
 */
@Service
public class ContainerStatsService {

	private final ContainerService containers;

	private final PodSandboxService pods;

	private final CpuRates rates = new CpuRates();

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
		rates.retain(containers.list(ContainerFilter.ALL).stream().map(Container::id).toList());
		return out;
	}

	ContainerStats sample(Container c) {
		long now = ContainerService.nowNanos();
		Optional<ContainerUsage> usage = pods.engine(pods.get(c.podId())).usage(c.id());
		long nanoCores = usage.map(u -> rates.rate(c.id(), now, u.cgroup().cpuNanos())).orElse(0L);
		return new ContainerStats(c, usage, nanoCores, now);
	}

}
