package io.rocketcri.console.web;

import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerService;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/** The terminal page; the terminal itself talks to {@link ExecWebSocketHandler}. */
@Controller
class ExecController {

	private final ContainerService containers;

	ExecController(ContainerService containers) {
		this.containers = containers;
	}

	@GetMapping("/containers/{id}/exec")
	String exec(@PathVariable String id, @RequestParam(defaultValue = ExecWebSocketHandler.DEFAULT_COMMAND) String cmd,
			Model model) {
		Container c = containers.status(id);
		model.addAttribute("row", ContainerRow.of(c, null));
		model.addAttribute("cmd", cmd);
		return "exec";
	}

}
