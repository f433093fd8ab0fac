package io.rocketcri.console.web;

import java.util.List;
import java.util.Optional;

import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerFilter;
import io.rocketcri.container.ContainerService;
import io.rocketcri.container.ContainerState;
import io.rocketcri.image.ImageService;
import io.rocketcri.node.NodeStatusService;
import io.rocketcri.node.RuntimeCondition;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxService;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/** "Why did it fail?": the failed containers, and for one of them a single page that says why. */
@Controller
class TroubleshootController {

	private final ContainerService containers;

	private final PodSandboxService pods;

	private final ImageService images;

	private final NodeStatusService node;

	private final ConsoleEvents events;

	TroubleshootController(ContainerService containers, PodSandboxService pods, ImageService images,
			NodeStatusService node, ConsoleEvents events) {
		this.containers = containers;
		this.pods = pods;
		this.images = images;
		this.node = node;
		this.events = events;
	}

	@GetMapping("/troubleshoot")
	String failed(Model model) {
		List<ContainerRow> failed = containers.list(ContainerFilter.ALL)
			.stream()
			.filter(c -> c.state() != ContainerState.RUNNING && !(c.state() == ContainerState.EXITED && c.exitCode() == 0))
			.map(c -> ContainerRow.of(c, pod(c)))
			.sorted(java.util.Comparator.comparingLong(ContainerRow::createdAt).reversed())
			.toList();
		model.addAttribute("rows", failed);
		model.addAttribute("podFailures", events.recent(ConsoleEvents.RECENT)
			.stream()
			.filter(e -> e.kind().equals("pod") && e.type().equals("FAILED"))
			.toList());
		return "troubleshoot-list";
	}

	@GetMapping("/containers/{id}/troubleshoot")
	String troubleshoot(@PathVariable String id, Model model) {
		Container c = containers.status(id);
		PodSandbox pod = pod(c);
		RuntimeCondition networkReady = node.conditions()
			.stream()
			.filter(k -> k.type().equals(RuntimeCondition.NETWORK_READY))
			.findFirst()
			.orElse(new RuntimeCondition(RuntimeCondition.NETWORK_READY, true, "", ""));
		Optional<ConsoleEvent> podFailure = pod == null ? Optional.empty() : events.recent(ConsoleEvents.RECENT)
			.stream()
			.filter(e -> e.kind().equals("pod") && e.type().equals("FAILED") && e.name().equals(pod.name())
					&& e.namespace().equals(pod.namespace()))
			.findFirst();
		model.addAttribute("row", ContainerRow.of(c, pod));
		model.addAttribute("diagnosis",
				Diagnosis.of(c, pod, images.lastPullFailure(c.imageName()), networkReady, podFailure));
		return "troubleshoot";
	}

	private PodSandbox pod(Container c) {
		try {
			return pods.get(c.podId());
		}
		catch (io.rocketcri.failure.NotFound ex) {
			return null;
		}
	}

}
