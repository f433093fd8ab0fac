package io.rocketcri.console.web;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

import io.rocketcri.events.Watcher;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.util.HtmlUtils;

/**
 * The live pages' server-sent events: {@code containers} and {@code pods} (data "changed") tell
 * htmx to fetch a table fragment again ({@code hx-trigger="sse:containers"}); {@code event}
 * carries one ready-made table row for the events page ({@code sse-swap="event"}). A burst of
 * changes (a pod with five containers starting) becomes one refetch per table.
 */
@Controller
class EventStreamController {

	/** Changes within this long after the first one share one refetch. */
	static final Duration COALESCE = Duration.ofMillis(250);

	/** A comment this often finds out that the browser has gone, and keeps proxies from closing. */
	static final Duration HEARTBEAT = Duration.ofSeconds(15);

	private final ConsoleEvents events;

	EventStreamController(ConsoleEvents events) {
		this.events = events;
	}

	@GetMapping(path = "/console/events/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	SseEmitter stream() {
		// EventSource reconnects by itself after the timeout
		SseEmitter emitter = new SseEmitter(Duration.ofMinutes(30).toMillis());
		Watcher<ConsoleEvent> watcher = events.watch();
		emitter.onCompletion(watcher::close);
		emitter.onTimeout(watcher::close);
		emitter.onError(ex -> watcher.close());
		Thread.ofVirtual().name("console-sse").start(() -> relay(emitter, watcher));
		return emitter;
	}

	private static void relay(SseEmitter emitter, Watcher<ConsoleEvent> watcher) {
		try (watcher) {
			// a change between rendering the page and this connection (or during a reconnect) is
			// not lost: the tables fetch themselves once now
			emitter.send(SseEmitter.event().name("containers").data("connected"));
			emitter.send(SseEmitter.event().name("pods").data("connected"));
			while (!watcher.isClosed()) {
				Optional<ConsoleEvent> first = watcher.next(HEARTBEAT);
				if (first.isEmpty()) {
					emitter.send(SseEmitter.event().comment("heartbeat"));
					continue;
				}
				boolean containers = false;
				boolean pods = false;
				long deadline = System.nanoTime() + COALESCE.toNanos();
				Optional<ConsoleEvent> next = first;
				while (next.isPresent()) {
					ConsoleEvent e = next.get();
					containers |= !e.kind().equals("pod");
					pods |= !e.kind().equals("container");
					if (!e.kind().equals("resync")) {
						emitter.send(SseEmitter.event().name("event").data(row(e)));
					}
					long left = deadline - System.nanoTime();
					next = left > 0 ? watcher.next(Duration.ofNanos(left)) : Optional.empty();
				}
				if (containers) {
					emitter.send(SseEmitter.event().name("containers").data("changed"));
				}
				if (pods) {
					emitter.send(SseEmitter.event().name("pods").data("changed"));
				}
			}
		}
		catch (IOException | IllegalStateException ex) {
			// the browser went away (or the emitter completed): nothing to tell anyone
		}
		catch (Watcher.WatcherOverflow ex) {
			// this browser fell behind; closing makes EventSource reconnect and the page refetch
			emitter.complete();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			emitter.complete();
		}
	}

	/** One events-table row on one line (an SSE data field ends at a newline). */
	static String row(ConsoleEvent e) {
		String name = HtmlUtils.htmlEscape(e.name());
		String href = e.href();
		String link = href.isEmpty() ? name : "<a href=\"" + HtmlUtils.htmlEscape(href) + "\">" + name + "</a>";
		return "<tr class=\"event-row\"><td class=\"nowrap\">" + HtmlUtils.htmlEscape(e.time()) + "</td><td>"
				+ HtmlUtils.htmlEscape(e.kind()) + "</td><td class=\"state\">" + HtmlUtils.htmlEscape(e.type())
				+ "</td><td>" + link + "</td><td class=\"mono\">" + HtmlUtils.htmlEscape(e.shortId()) + "</td><td>"
				+ HtmlUtils.htmlEscape(e.namespace()) + "</td><td>"
				+ HtmlUtils.htmlEscape(e.message().replace('\n', ' ')) + "</td></tr>";
	}

}
