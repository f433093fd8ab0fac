package io.rocketcri.console.api;

import java.util.List;

import io.rocketcri.engine.CgroupReader.CgroupUsage;
import io.rocketcri.stats.ContainerStatsService.ContainerStats;
import io.rocketcri.stats.PodStatsService.PodStats;

/** Resource usage samples as the API shows them (the figures of CRI's ContainerStats / PodSandboxStats). */
final class StatsJson {

	private StatsJson() {
	}

	/** @param usageNanoCores the rate since the previous sample of the same object (0 on the first) */
	record Cpu(long usageCoreNanoSeconds, long usageNanoCores) {
	}

	/** @param limitBytes null without a limit; availableBytes likewise */
	record Memory(long workingSetBytes, long usageBytes, long rssBytes, long pageFaults, long majorPageFaults,
			Long limitBytes, Long availableBytes, Long swapBytes) {
	}

	record WritableLayer(String mountpoint, long usedBytes, long inodesUsed) {
	}

	/** @param cpu null (likewise memory) when the container has no cgroup now: created or exited */
	record ContainerSample(String containerId, String podId, String name, String time, Cpu cpu, Memory memory,
			WritableLayer writableLayer) {
	}

	record Interface(String name, long rxBytes, long rxErrors, long txBytes, long txErrors) {
	}

	record PodSample(String podId, String name, String namespace, String time, Cpu cpu, Memory memory, Long processes,
			List<Interface> network, List<ContainerSample> containers) {
	}

	static ContainerSample container(ContainerStats s) {
		var c = s.container();
		var usage = s.usage();
		return new ContainerSample(c.id(), c.podId(), c.name(), Times.rfc3339(s.timestamp()),
				usage.map(u -> cpu(u.cgroup(), s.nanoCores())).orElse(null),
				usage.map(u -> memory(u.cgroup())).orElse(null),
				usage.map(u -> new WritableLayer(u.writableLayer().toString(), u.writableBytes(), u.writableInodes()))
					.orElse(null));
	}

	static PodSample pod(PodStats s) {
		var pod = s.pod();
		return new PodSample(pod.id(), pod.name(), pod.namespace(), Times.rfc3339(s.timestamp()),
				s.usage().map(g -> cpu(g, s.nanoCores())).orElse(null), s.usage().map(StatsJson::memory).orElse(null),
				s.usage().filter(g -> g.processes() >= 0).map(CgroupUsage::processes).orElse(null),
				s.interfaces().stream().map(i -> new Interface(i.name(), i.rxBytes(), i.rxErrors(), i.txBytes(), i.txErrors())).toList(),
				s.containers().stream().map(StatsJson::container).toList());
	}

	private static Cpu cpu(CgroupUsage g, long nanoCores) {
		return new Cpu(g.cpuNanos(), nanoCores);
	}

	private static Memory memory(CgroupUsage g) {
		// cgroup v1 reports "no limit" as a huge number near Long.MAX_VALUE rounded to pages
		Long limit = g.memoryLimit() <= 0 || g.memoryLimit() >= Long.MAX_VALUE / 2 ? null : g.memoryLimit();
		return new Memory(g.workingSet(), g.memoryUsage(), g.rss(), g.pageFaults(), g.majorPageFaults(), limit,
				limit == null ? null : Math.max(0, limit - g.workingSet()), g.swapUsage() < 0 ? null : g.swapUsage());
	}

}
