package io.rocketcri.console.web;

import java.time.Duration;

import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerService;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The containers table (live), a container's details, its logs page, and stop/remove. */
@Controller
class ContainerPagesController {

	private static final Logger log = LoggerFactory.getLogger(ContainerPagesController.class);

	/** As kubelet's default grace period: SIGTERM, then SIGKILL after this long. */
	static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

	private final Tables tables;

	private final ContainerService containers;

	private final PodSandboxService pods;

	ContainerPagesController(Tables tables, ContainerService containers, PodSandboxService pods) {
		this.tables = tables;
		this.containers = containers;
		this.pods = pods;
	}

	@GetMapping("/containers")
	String list(TableQuery query, Model model) {
		model.addAttribute("rows", tables.containers(query));
		model.addAttribute("query", query);
		model.addAttribute("tableUrl", "/containers/table?" + query.queryString());
		return "containers";
	}

	@GetMapping("/containers/table")
	String table(TableQuery query, Model model) {
		model.addAttribute("rows", tables.containers(query));
		model.addAttribute("query", query);
		return "containers :: table";
	}

	@GetMapping("/containers/{id}")
	String details(@PathVariable String id, Model model) {
		Container c = containers.status(id);
		model.addAttribute("d", ContainerDetails.of(c, pod(c)));
		return "container";
	}

	@GetMapping("/containers/{id}/logs")
	String logs(@PathVariable String id, Model model) {
		Container c = containers.status(id);
		model.addAttribute("row", ContainerRow.of(c, pod(c)));
		return "logs";
	}

	@PostMapping("/containers/{id}/stop")
	String stop(@PathVariable String id, Authentication who, RedirectAttributes flash) {
		Container c = containers.status(id);
		log.info("console: {} stops container {} ({})", who.getName(), c.id(), c.name());
		containers.stop(c.id(), STOP_TIMEOUT);
		flash.addFlashAttribute("notice", "Container " + c.name() + " (" + Formats.shortId(c.id()) + ") stopped.");
		return "redirect:/containers/" + c.id();
	}

	@PostMapping("/containers/{id}/remove")
	String remove(@PathVariable String id, Authentication who, RedirectAttributes flash) {
		Container c = containers.status(id);
		log.info("console: {} removes container {} ({})", who.getName(), c.id(), c.name());
		containers.remove(c.id());
		flash.addFlashAttribute("notice", "Container " + c.name() + " (" + Formats.shortId(c.id()) + ") removed.");
		return "redirect:/containers";
	}

	private PodSandbox pod(Container c) {
		try {
			return pods.get(c.podId());
		}
		catch (io.rocketcri.failure.NotFound ex) {
			return null; // a container outliving its pod's record shows without pod name
		}
	}

}
