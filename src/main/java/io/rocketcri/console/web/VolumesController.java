package io.rocketcri.console.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerFilter;
import io.rocketcri.container.ContainerService;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Every mount on the node, grouped by host path, with the containers that use it. CRI has no
 * volume objects: kubelet prepares volumes under /var/lib/kubelet and hands each container its
 * mounts, so a "volume" here is a host path that containers mount.
 */
@Controller
class VolumesController {

	private final ContainerService containers;

	VolumesController(ContainerService containers) {
		this.containers = containers;
	}

	record Use(String containerId, String shortId, String containerName, String state, String containerPath,
			boolean readonly, String propagation) {
	}

	record HostPath(String hostPath, List<Use> uses) {
	}

	@GetMapping("/volumes")
	String volumes(Model model) {
		model.addAttribute("groups", group(containers.list(ContainerFilter.ALL)));
		return "volumes";
	}

	static List<HostPath> group(List<Container> all) {
		Map<String, List<Use>> byHost = new TreeMap<>();
		for (Container c : all) {
			for (var m : c.config().getMountsList()) {
				byHost.computeIfAbsent(m.getHostPath(), k -> new ArrayList<>())
					.add(new Use(c.id(), Formats.shortId(c.id()), c.name(), ContainerRow.stateName(c.state().name()),
							m.getContainerPath(), m.getReadonly(), m.getPropagation().name()));
			}
		}
		return byHost.entrySet().stream().map(e -> new HostPath(e.getKey(), List.copyOf(e.getValue()))).toList();
	}

}
