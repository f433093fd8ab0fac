package io.rocketcri.console.api;

import java.util.List;
import java.util.Map;

import io.rocketcri.container.ContainerFilter;
import io.rocketcri.stats.ContainerStatsService;
import io.rocketcri.stats.PodStatsService;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/stats}: CPU, memory, writable layer and network usage of containers and ready pods. */
@RestController
@RequestMapping(path = "/api/v1/stats", produces = "application/json")
class StatsController {

	private final ContainerStatsService containers;

	private final PodStatsService pods;

	StatsController(ContainerStatsService containers, PodStatsService pods) {
		this.containers = containers;
		this.pods = pods;
	}

	record ContainerStatsList(List<StatsJson.ContainerSample> items) {
	}

	record PodStatsList(List<StatsJson.PodSample> items) {
	}

	/** @param id a container id or prefix; {@code pod} a pod id or prefix */
	@GetMapping("/containers")
	ContainerStatsList containers(@RequestParam(required = false) String id, @RequestParam(required = false) String pod) {
		return new ContainerStatsList(containers.list(new ContainerFilter(id == null ? null : ApiIds.objectId("id", id), null,
				pod == null ? null : ApiIds.objectId("pod", pod), Map.of()))
			.stream()
			.map(StatsJson::container)
			.toList());
	}

	@GetMapping("/pods")
	PodStatsList pods(@RequestParam(required = false) String id) {
		return new PodStatsList(pods.list(id == null ? null : ApiIds.objectId("id", id), Map.of())
			.stream()
			.map(StatsJson::pod)
			.toList());
	}

}
