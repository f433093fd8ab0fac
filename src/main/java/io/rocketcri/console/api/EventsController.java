package io.rocketcri.console.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.rocketcri.container.ContainerEvent;
import io.rocketcri.events.EventBus;
import io.rocketcri.events.Watcher;
import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.failure.ResourceExhausted;
import io.rocketcri.image.ImageService;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * {@code GET /api/v1/events}: container lifecycle events (CREATED, STARTED, STOPPED, DELETED) in
 * Kubernetes' watch shape {@code {"type", "object"}}. Without {@code watch}: the last ones kept
 * (about 200). With {@code watch=true}: a stream, NDJSON or server-sent events by Accept, from now
 * on (with {@code sendInitialEvents=true}: the kept ones first, without gap), until
 * {@code timeoutSeconds} or the client leaves. A watcher that falls a whole queue behind gets a
 * final {@code ERROR} event and should list and watch again.
 */
@RestController
class EventsController {

	static final Duration WAKEUP = Duration.ofSeconds(1);

	private final EventBus<ContainerEvent> bus;

	private final ImageService images;

	private final JsonMapper json;

	EventsController(EventBus<ContainerEvent> bus, ImageService images, JsonMapper json) {
		this.bus = bus;
		this.images = images;
		this.json = json;
	}

	/**
	 * @param time when it happened
	 * @param object the container as it was right after (null for DELETED)
	 * @param pod its pod then (null when the pod was already gone)
	 */
	record Event(String type, String time, String containerId, ContainerJson.ContainerItem object, PodJson.PodItem pod) {
	}

	record EventList(List<Event> items) {
	}

	@GetMapping(path = "/api/v1/events", params = "watch!=true", produces = "application/json")
	EventList recent() {
		return new EventList(bus.recent().stream().map(this::toJson).toList());
	}

	@GetMapping(path = "/api/v1/events", params = "watch=true")
	ResponseEntity<StreamingResponseBody> watch(@RequestParam(defaultValue = "false") boolean sendInitialEvents,
			@RequestParam(required = false) Long timeoutSeconds,
			@RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept, HttpServletRequest request,
			jakarta.servlet.http.HttpServletResponse response) {
		if (timeoutSeconds != null && timeoutSeconds < 1) {
			throw new InvalidArgument("timeoutSeconds: must be at least 1, got " + timeoutSeconds);
		}
		LogFormat format = LogFormat.negotiate(accept);
		LogFormat lines = format == LogFormat.EVENT_STREAM ? format : LogFormat.NDJSON;
		String instance = request.getRequestURI();
		StreamingResponseBody body = out -> {
			EventBus.Replay<ContainerEvent> replay = sendInitialEvents ? bus.watchWithRecent()
					: new EventBus.Replay<>(List.of(), bus.watch());
			try (Watcher<ContainerEvent> watcher = replay.watcher()) {
				for (ContainerEvent e : replay.recent()) {
					write(out, lines, toJson(e));
				}
				out.flush();
				pump(out, lines, watcher, timeoutSeconds == null ? null : System.nanoTime() + timeoutSeconds * 1_000_000_000L,
						instance);
			}
		};
		return ResponseEntity.ok()
			.contentType(lines.mediaType)
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.header("X-Accel-Buffering", "no")
			.body(FlushingBody.of(response, body));
	}

	private void pump(OutputStream out, LogFormat lines, Watcher<ContainerEvent> watcher, Long deadline, String instance)
			throws IOException {
		long lastWrite = System.nanoTime();
		try {
			while (deadline == null || System.nanoTime() < deadline) {
				Optional<ContainerEvent> event = watcher.next(WAKEUP);
				if (event.isPresent()) {
					write(out, lines, toJson(event.get()));
					out.flush();
					lastWrite = System.nanoTime();
				}
				else if (lines == LogFormat.EVENT_STREAM
						&& System.nanoTime() - lastWrite > ContainerLogsController.HEARTBEAT.toNanos()) {
					out.write(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
					out.flush();
					lastWrite = System.nanoTime();
				}
			}
		}
		catch (Watcher.WatcherOverflow ex) {
			var problem = Problems.of(ProblemCode.RESOURCE_EXHAUSTED,
					new ResourceExhausted("watching container events: " + ex.getMessage()).getMessage(), instance);
			write(out, lines, Map.of("type", "ERROR", "object", Problems.fields(problem)));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void write(OutputStream out, LogFormat lines, Object event) throws IOException {
		if (lines == LogFormat.EVENT_STREAM) {
			out.write("data: ".getBytes(StandardCharsets.US_ASCII));
			out.write(json.writeValueAsBytes(event));
			out.write("\n\n".getBytes(StandardCharsets.US_ASCII));
		}
		else {
			out.write(json.writeValueAsBytes(event));
			out.write('\n');
		}
	}

	private Event toJson(ContainerEvent e) {
		var container = e.podContainers().stream().filter(c -> c.id().equals(e.containerId())).findFirst();
		return new Event(e.type().name(), Times.rfc3339(e.createdAt()), e.containerId(),
				container.map(c -> ContainerJson.item(c, e.pod(), images.byId(c.imageId()).orElse(null))).orElse(null),
				e.pod() == null ? null : PodJson.item(e.pod()));
	}

}
