package io.rocketcri.console.web;

import java.util.List;
import java.util.Map;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.rocketcri.container.ContainerFilter;
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

/** The pods table (live), a pod's details with its containers, and stop/remove. */
@Controller
class PodPagesController {

	private static final Logger log = LoggerFactory.getLogger(PodPagesController.class);

	private final Tables tables;

	private final PodSandboxService pods;

	private final ContainerService containers;

	PodPagesController(Tables tables, PodSandboxService pods, ContainerService containers) {
		this.tables = tables;
		this.pods = pods;
		this.containers = containers;
	}

	@GetMapping("/pods")
	String list(TableQuery query, Model model) {
		model.addAttribute("rows", tables.pods(query));
		model.addAttribute("query", query);
		model.addAttribute("tableUrl", "/pods/table?" + query.queryString());
		return "pods";
	}

	@GetMapping("/pods/table")
	String table(TableQuery query, Model model) {
		model.addAttribute("rows", tables.pods(query));
		model.addAttribute("query", query);
		return "pods :: table";
	}

	@GetMapping("/pods/{id}")
	String details(@PathVariable String id, Model model) {
		PodSandbox pod = pods.get(id);
		List<ContainerRow> members = containers.list(new ContainerFilter(null, null, pod.id(), Map.of()))
			.stream()
			.map(c -> ContainerRow.of(c, pod))
			.toList();
		model.addAttribute("pod", pod);
		model.addAttribute("row", PodRow.of(pod));
		model.addAttribute("containers", members);
		model.addAttribute("labels", pod.config().getLabelsMap());
		model.addAttribute("annotations", pod.config().getAnnotationsMap());
		model.addAttribute("inspectJson", inspect(pod));
		return "pod";
	}

	@PostMapping("/pods/{id}/stop")
	String stop(@PathVariable String id, Authentication who, RedirectAttributes flash) {
		PodSandbox pod = pods.get(id);
		log.info("console: {} stops pod sandbox {} ({}/{})", who.getName(), pod.id(), pod.namespace(), pod.name());
		pods.stop(pod.id());
		flash.addFlashAttribute("notice", "Pod " + pod.name() + " (" + Formats.shortId(pod.id()) + ") stopped.");
		return "redirect:/pods/" + pod.id();
	}

	@PostMapping("/pods/{id}/remove")
	String remove(@PathVariable String id, Authentication who, RedirectAttributes flash) {
		PodSandbox pod = pods.get(id);
		log.info("console: {} removes pod sandbox {} ({}/{})", who.getName(), pod.id(), pod.namespace(), pod.name());
		pods.remove(pod.id());
		flash.addFlashAttribute("notice", "Pod " + pod.name() + " (" + Formats.shortId(pod.id()) + ") removed.");
		return "redirect:/pods";
	}

	static String inspect(PodSandbox pod) {
		try {
			return "{\n  \"id\": \"%s\",\n  \"state\": \"%s\",\n  \"runtimeHandler\": \"%s\",\n  \"ips\": %s,\n  \"networkReady\": %s,\n  \"netns\": \"%s\",\n  \"config\": %s\n}"
				.formatted(pod.id(), pod.state(), pod.runtimeHandler(),
						pod.ips().stream().map(ip -> "\"" + ip + "\"").toList(), pod.networkReady(),
						pod.netns() == null ? "" : pod.netns(),
						JsonFormat.printer().print(pod.config()).replace("\n", "\n  "));
		}
		catch (InvalidProtocolBufferException ex) {
			return "{\"error\": \"" + ex.getMessage() + "\"}";
		}
	}

}
