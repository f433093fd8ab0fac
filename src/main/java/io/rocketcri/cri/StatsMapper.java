package io.rocketcri.cri;

import io.rocketcri.container.ContainerFilter;
import io.rocketcri.cri.api.ContainerAttributes;
import io.rocketcri.cri.api.ContainerStats;
import io.rocketcri.cri.api.ContainerStatsFilter;
import io.rocketcri.cri.api.CpuUsage;
import io.rocketcri.cri.api.FilesystemIdentifier;
import io.rocketcri.cri.api.FilesystemUsage;
import io.rocketcri.cri.api.MemoryUsage;
import io.rocketcri.cri.api.UInt64Value;
import io.rocketcri.stats.ContainerStatsService;

import org.springframework.stereotype.Component;

/** Container usage samples → CRI ContainerStats. Pure functions. */
@Component
class StatsMapper {

	ContainerStats toProto(ContainerStatsService.ContainerStats s) {
		var c = s.container();
		ContainerStats.Builder b = ContainerStats.newBuilder()
			.setAttributes(ContainerAttributes.newBuilder()
				.setId(c.id())
				.setMetadata(c.config().getMetadata())
				.putAllLabels(c.config().getLabelsMap())
				.putAllAnnotations(c.config().getAnnotationsMap()));
		CpuUsage.Builder cpu = CpuUsage.newBuilder().setTimestamp(s.timestamp());
		MemoryUsage.Builder memory = MemoryUsage.newBuilder().setTimestamp(s.timestamp());
		s.usage().ifPresent(u -> {
			var g = u.cgroup();
			cpu.setUsageCoreNanoSeconds(v(g.cpuNanos())).setUsageNanoCores(v(s.nanoCores()));
			memory.setWorkingSetBytes(v(g.workingSet()))
				.setUsageBytes(v(g.memoryUsage()))
				.setRssBytes(v(g.rss()))
				.setPageFaults(v(g.pageFaults()))
				.setMajorPageFaults(v(g.majorPageFaults()));
			if (g.memoryLimit() >= 0) {
				memory.setAvailableBytes(v(Math.max(0, g.memoryLimit() - g.workingSet())));
			}
			b.setWritableLayer(FilesystemUsage.newBuilder()
				.setTimestamp(s.timestamp())
				.setFsId(FilesystemIdentifier.newBuilder().setMountpoint(u.writableLayer().toString()))
				.setUsedBytes(v(u.writableBytes()))
				.setInodesUsed(v(u.writableInodes())));
		});
		return b.setCpu(cpu).setMemory(memory).build();
	}

	ContainerFilter filter(ContainerStatsFilter f) {
		if (f == null || f.equals(ContainerStatsFilter.getDefaultInstance())) {
			return ContainerFilter.ALL;
		}
		return new ContainerFilter(f.getId(), null, f.getPodSandboxId(), f.getLabelSelectorMap());
	}

	private static UInt64Value v(long value) {
		return UInt64Value.newBuilder().setValue(Math.max(0, value)).build();
	}

}
