package io.rocketcri.console.web;

import io.rocketcri.container.ContainerMounts;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Every mount on the node, grouped by what is mounted (a host path, or an image volume), with the
 * containers that use it. CRI has no volume objects: kubelet prepares volumes under
 * /var/lib/kubelet and hands each container its mounts.
 */
@Controller
class VolumesController {

	private final ContainerMounts mounts;

	VolumesController(ContainerMounts mounts) {
		this.mounts = mounts;
	}

	@GetMapping("/volumes")
	String volumes(Model model) {
		model.addAttribute("groups", mounts.bySource());
		return "volumes";
	}

}
