package io.rocketcri.console.web;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerFilter;
import io.rocketcri.container.ContainerService;
import io.rocketcri.image.ImageRecord;
import io.rocketcri.image.ImageService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The images table and remove. Pull (with per-layer progress) and prune (with its preview) run in
 * the browser against the REST API's streaming endpoints, which own that logic.
 */
@Controller
class ImagePagesController {

	private static final Logger log = LoggerFactory.getLogger(ImagePagesController.class);

	private final ImageService images;

	private final ContainerService containers;

	ImagePagesController(ImageService images, ContainerService containers) {
		this.images = images;
		this.containers = containers;
	}

	/** crictl images' columns (IMAGE TAG IMAGE ID SIZE) plus pinned and the containers using it. */
	record ImageRow(String id, String shortId, List<String> names, String size, boolean pinned, long usedBy,
			String created) {
	}

	@GetMapping("/images")
	String list(Model model) {
		model.addAttribute("rows", rows());
		return "images";
	}

	@GetMapping("/images/table")
	String table(Model model) {
		model.addAttribute("rows", rows());
		return "images :: table";
	}

	@PostMapping("/images/{id}/remove")
	String remove(@PathVariable String id, Authentication who, RedirectAttributes flash) {
		ImageRecord image = images.get(id);
		log.info("console: {} removes image {} {}", who.getName(), image.id(), image.repoTags());
		images.remove(image.id());
		flash.addFlashAttribute("notice", "Image " + Formats.shortId(image.id()) + " " + image.repoTags() + " removed.");
		return "redirect:/images";
	}

	private List<ImageRow> rows() {
		Map<String, Long> users = containers.list(ContainerFilter.ALL)
			.stream()
			.collect(Collectors.groupingBy(Container::imageId, Collectors.counting()));
		return images.list(null)
			.stream()
			.map(i -> new ImageRow(i.id(), Formats.shortId(i.id()), i.names().isEmpty() ? List.of("<none>") : i.names(),
					Formats.bytes(i.size()), i.pinned(), users.getOrDefault(i.id(), 0L),
					i.createdAt() == null ? "" : Formats.time(i.createdAt())))
			.toList();
	}

}
