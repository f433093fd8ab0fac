package io.rocketcri.stats;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.rocketcri.container.ContainerFilter;
import io.rocketcri.container.ContainerService;
import io.rocketcri.engine.CgroupReader.CgroupUsage;
import io.rocketcri.engine.NetworkCounters.InterfaceUsage;
import io.rocketcri.engine.PodEngine;
import io.rocketcri.pod.PodFilter;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxService;
import io.rocketcri.pod.PodSandboxState;
import io.rocketcri.stats.ContainerStatsService.ContainerStats;

import org.springframework.stereotype.Service;

/**
 * PodSandboxStats and ListPodSandboxStats (KEP-2371): the pod's CPU, memory and process count
 * from its cgroup (kubelet's {@code linux.cgroup_parent}, which holds the containers' cgroups
 * and the infra process), its network interfaces' traffic, and its containers' stats.
 *
 * <p>A pod started without a cgroup parent (crictl, critest) shares the runtime's default parent
 * with every other such pod, so its figures are the sum of its infra process and its containers.
 */
@Service
public class PodStatsService {

	private final PodSandboxService pods;

	private final ContainerService containers;

	private final ContainerStatsService containerStats;

	private final CpuRates rates = new CpuRates();

	PodStatsService(PodSandboxService pods, ContainerService containers, ContainerStatsService containerStats) {
		this.pods = pods;
		this.containers = containers;
		this.containerStats = containerStats;
	}

	/**
	 * @param usage the pod's CPU, memory and process figures; empty when it has no live cgroup
	 * @param interfaces network interfaces but loopback, the CNI one ({@value #DEFAULT_INTERFACE}) among them
	 * @param timestamp nanoseconds since the epoch
	 */
	public record PodStats(PodSandbox pod, Optional<CgroupUsage> usage, long nanoCores, List<InterfaceUsage> interfaces,
			List<ContainerStats> containers, long timestamp) {
	}

	/** The interface CNI plugins create in the pod (kubelet's default ifname). */
	public static final String DEFAULT_INTERFACE = "eth0";

	public PodStats stats(String idOrPrefix) {
		return sample(pods.get(idOrPrefix));
	}

	/** Stats of the ready pods that match; a stopped pod has no processes and no network left to measure. */
	public List<PodStats> list(String idPrefix, Map<String, String> labels) {
		List<PodStats> out = pods.list(new PodFilter(idPrefix, PodSandboxState.READY, labels))
			.stream()
			.map(this::sample)
			.toList();
		rates.retain(pods.ids());
		return out;
	}

	private PodStats sample(PodSandbox pod) {
		List<ContainerStats> members = containers.list(new ContainerFilter(null, null, pod.id(), Map.of()))
			.stream()
			.filter(c -> c.podId().equals(pod.id()))
			.map(containerStats::sample)
			.toList();
		long now = io.rocketcri.container.ContainerService.nowNanos();
		if (pod.state() != PodSandboxState.READY) {
			return new PodStats(pod, Optional.empty(), 0, List.of(), members, now);
		}
		PodEngine.PodUsage usage = pods.engine(pod).podUsage(pod.id(), pod.cgroupParent(), pods.resources(pod));
		Optional<CgroupUsage> cgroup = usage.podCgroup();
		if (cgroup.isEmpty()) {
			cgroup = usage.infra();
			for (ContainerStats c : members) {
				if (c.usage().isPresent()) {
					CgroupUsage one = c.usage().get().cgroup();
					cgroup = Optional.of(cgroup.map(sum -> sum.plus(one)).orElse(one));
				}
			}
		}
		long nanoCores = cgroup.map(u -> rates.rate(pod.id(), now, u.cpuNanos())).orElse(0L);
		return new PodStats(pod, cgroup, nanoCores, usage.interfaces(), members, now);
	}

}
