package io.rocketcri.console.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.rocketcri.container.ContainerFilter;
import io.rocketcri.container.ContainerState;
import io.rocketcri.stats.ContainerStatsService;
import io.rocketcri.stats.PodStatsService;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * CPU and memory of every running container and ready pod: the page draws uPlot charts from
 * {@code /stats/sample}, which it polls (each poll is one sample; CPU is the rate since the
 * previous one, as kubelet's usage_nano_cores).
 */
@Controller
class StatsPageController {

	private final ContainerStatsService containerStats;

	private final PodStatsService podStats;

	StatsPageController(ContainerStatsService containerStats, PodStatsService podStats) {
		this.containerStats = containerStats;
		this.podStats = podStats;
	}

	/**
	 * @param cpuCores CPU in use, in cores (nano cores / 1e9)
	 * @param memoryBytes working set, as kubelet evicts by it
	 * @param t seconds since the epoch (uPlot's x unit)
	 */
	record Sample(String kind, String id, String name, double cpuCores, long memoryBytes, double t) {
	}

	@GetMapping("/stats")
	String page(Model model) {
		model.addAttribute("samples", samples());
		return "stats";
	}

	@GetMapping(path = "/stats/sample", produces = "application/json")
	@ResponseBody
	List<Sample> sample() {
		return samples();
	}

	private List<Sample> samples() {
		List<Sample> out = new ArrayList<>();
		for (var s : containerStats.list(new ContainerFilter(null, ContainerState.RUNNING, null, Map.of()))) {
			s.usage().ifPresent(u -> out.add(new Sample("container", s.container().id(), s.container().name(),
					s.nanoCores() / 1e9, u.cgroup().workingSet(), s.timestamp() / 1e9)));
		}
		for (var p : podStats.list(null, Map.of())) {
			p.usage().ifPresent(u -> out.add(new Sample("pod", p.pod().id(), p.pod().namespace() + "/" + p.pod().name(),
					p.nanoCores() / 1e9, u.workingSet(), p.timestamp() / 1e9)));
		}
		return out;
	}

}
