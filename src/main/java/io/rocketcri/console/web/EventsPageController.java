package io.rocketcri.console.web;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The events page: the last events, then new ones as they happen (rows arrive over SSE). */
@Controller
class EventsPageController {

	private final ConsoleEvents events;

	EventsPageController(ConsoleEvents events) {
		this.events = events;
	}

	@GetMapping("/events")
	String events(Model model) {
		model.addAttribute("events", events.recent(ConsoleEvents.RECENT));
		return "events";
	}

}
