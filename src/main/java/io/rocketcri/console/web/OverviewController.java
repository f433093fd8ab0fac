package io.rocketcri.console.web;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.rocketcri.container.ContainerFilter;
import io.rocketcri.container.ContainerService;
import io.rocketcri.image.ImageService;
import io.rocketcri.node.NodeStatusService;
import io.rocketcri.pod.PodFilter;
import io.rocketcri.pod.PodSandboxService;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The node at a glance: what kubelet reads from Status (RuntimeReady, NetworkReady with their
 * reasons), version, configuration in effect, image disk usage, counts by state, recent events
 * and the doctor's findings.
 */
@Controller
class OverviewController {

	private final NodeStatusService node;

	private final PodSandboxService pods;

	private final ContainerService containers;

	private final ImageService images;

	private final ConsoleEvents events;

	OverviewController(NodeStatusService node, PodSandboxService pods, ContainerService containers, ImageService images,
			ConsoleEvents events) {
		this.node = node;
		this.pods = pods;
		this.containers = containers;
		this.images = images;
		this.events = events;
	}

	@GetMapping("/")
	String overview(Model model) {
		model.addAttribute("conditions", node.conditions());
		model.addAttribute("version", node.runtimeVersion());
		model.addAttribute("config", node.effectiveConfig());
		ImageService.FsUsage fs = images.fsUsage();
		model.addAttribute("imageFs", fs);
		model.addAttribute("imageFsUsed", Formats.bytes(fs.usedBytes()));
		model.addAttribute("imageCount", images.list(null).size());
		model.addAttribute("podCounts", count(pods.list(PodFilter.ALL).stream().map(p -> PodRow.stateName(p.state()))));
		model.addAttribute("containerCounts", count(containers.list(ContainerFilter.ALL)
			.stream()
			.map(c -> ContainerRow.stateName(c.state().name()))));
		model.addAttribute("events", events.recent(15));
		model.addAttribute("findings", node.doctor());
		return "overview";
	}

	private static Map<String, Long> count(java.util.stream.Stream<String> states) {
		return states.collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
	}

}
