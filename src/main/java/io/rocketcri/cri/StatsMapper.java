package io.rocketcri.cri;

import io.rocketcri.container.ContainerFilter;
import io.rocketcri.cri.api.ContainerAttributes;
import io.rocketcri.cri.api.ContainerStats;
import io.rocketcri.cri.api.ContainerStatsFilter;
import io.rocketcri.cri.api.CpuUsage;
import io.rocketcri.cri.api.FilesystemIdentifier;
import io.rocketcri.cri.api.FilesystemUsage;
import io.rocketcri.cri.api.MemoryUsage;
import io.rocketcri.cri.api.LinuxPodSandboxStats;
import io.rocketcri.cri.api.Metric;
import io.rocketcri.cri.api.MetricDescriptor;
import io.rocketcri.cri.api.MetricType;
import io.rocketcri.cri.api.NetworkInterfaceUsage;
import io.rocketcri.cri.api.NetworkUsage;
import io.rocketcri.cri.api.PodSandboxAttributes;
import io.rocketcri.cri.api.PodSandboxMetrics;
import io.rocketcri.cri.api.PodSandboxStats;
import io.rocketcri.cri.api.ProcessUsage;
import io.rocketcri.cri.api.SwapUsage;
import io.rocketcri.cri.api.UInt64Value;
import io.rocketcri.engine.CgroupReader.CgroupUsage;
import io.rocketcri.engine.NetworkCounters.InterfaceUsage;
import io.rocketcri.stats.ContainerStatsService;
import io.rocketcri.stats.PodMetricsService;
import io.rocketcri.stats.PodStatsService;

import org.springframework.stereotype.Component;

/** Usage samples → CRI ContainerStats, PodSandboxStats and metrics. Pure functions. */
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
			fill(cpu, memory, g, s.nanoCores());
			if (g.swapUsage() >= 0) {
				b.setSwap(SwapUsage.newBuilder().setTimestamp(s.timestamp()).setSwapUsageBytes(v(g.swapUsage())));
			}
			b.setWritableLayer(FilesystemUsage.newBuilder()
				.setTimestamp(s.timestamp())
				.setFsId(FilesystemIdentifier.newBuilder().setMountpoint(u.writableLayer().toString()))
				.setUsedBytes(v(u.writableBytes()))
				.setInodesUsed(v(u.writableInodes())));
		});
		return b.setCpu(cpu).setMemory(memory).build();
	}

	PodSandboxStats toProto(PodStatsService.PodStats s) {
		var pod = s.pod();
		LinuxPodSandboxStats.Builder linux = LinuxPodSandboxStats.newBuilder();
		CpuUsage.Builder cpu = CpuUsage.newBuilder().setTimestamp(s.timestamp());
		MemoryUsage.Builder memory = MemoryUsage.newBuilder().setTimestamp(s.timestamp());
		s.usage().ifPresent(g -> {
			fill(cpu, memory, g, s.nanoCores());
			if (g.processes() >= 0) {
				linux.setProcess(ProcessUsage.newBuilder().setTimestamp(s.timestamp()).setProcessCount(v(g.processes())));
			}
		});
		linux.setCpu(cpu).setMemory(memory);
		if (!s.interfaces().isEmpty()) {
			NetworkUsage.Builder network = NetworkUsage.newBuilder().setTimestamp(s.timestamp());
			for (InterfaceUsage i : s.interfaces()) {
				NetworkInterfaceUsage one = NetworkInterfaceUsage.newBuilder()
					.setName(i.name())
					.setRxBytes(v(i.rxBytes()))
					.setRxErrors(v(i.rxErrors()))
					.setTxBytes(v(i.txBytes()))
					.setTxErrors(v(i.txErrors()))
					.build();
				if (i.name().equals(PodStatsService.DEFAULT_INTERFACE)) {
					network.setDefaultInterface(one);
				}
				network.addInterfaces(one);
			}
			linux.setNetwork(network);
		}
		s.containers().forEach(c -> linux.addContainers(toProto(c)));
		return PodSandboxStats.newBuilder()
			.setAttributes(PodSandboxAttributes.newBuilder()
				.setId(pod.id())
				.setMetadata(pod.config().getMetadata())
				.putAllLabels(pod.config().getLabelsMap())
				.putAllAnnotations(pod.config().getAnnotationsMap()))
			.setLinux(linux)
			.build();
	}

	MetricDescriptor toProto(PodMetricsService.Descriptor d) {
		return MetricDescriptor.newBuilder().setName(d.name()).setHelp(d.help()).addAllLabelKeys(d.labelKeys()).build();
	}

	PodSandboxMetrics toProto(PodMetricsService.PodSamples p) {
		PodSandboxMetrics.Builder b = PodSandboxMetrics.newBuilder().setPodSandboxId(p.podId());
		p.samples().forEach(s -> b.addMetrics(toProto(s)));
		for (var c : p.containers()) {
			b.addContainerMetricsBuilder()
				.setContainerId(c.containerId())
				.addAllMetrics(c.samples().stream().map(StatsMapper::toProto).toList());
		}
		return b.build();
	}

	private static Metric toProto(PodMetricsService.Sample s) {
		return Metric.newBuilder()
			.setName(s.name())
			.setTimestamp(s.timestamp())
			.setMetricType(s.type() == PodMetricsService.Type.COUNTER ? MetricType.COUNTER : MetricType.GAUGE)
			.addAllLabelValues(s.labelValues())
			.setValue(v(s.value()))
			.build();
	}

	private static void fill(CpuUsage.Builder cpu, MemoryUsage.Builder memory, CgroupUsage g, long nanoCores) {
		cpu.setUsageCoreNanoSeconds(v(g.cpuNanos())).setUsageNanoCores(v(nanoCores));
		memory.setWorkingSetBytes(v(g.workingSet()))
			.setUsageBytes(v(g.memoryUsage()))
			.setRssBytes(v(g.rss()))
			.setPageFaults(v(g.pageFaults()))
			.setMajorPageFaults(v(g.majorPageFaults()));
		if (g.memoryLimit() >= 0) {
			memory.setAvailableBytes(v(Math.max(0, g.memoryLimit() - g.workingSet())));
		}
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
