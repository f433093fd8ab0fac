package io.rocketcri.console.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.logs.ContainerLogs;
import io.rocketcri.logs.LogLine;
import io.rocketcri.logs.LogOptions;
import io.rocketcri.logs.LogSink;
import io.rocketcri.logs.LogStream;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * {@code GET /api/v1/containers/{id}/logs} with Kubernetes' log options, as text, NDJSON or
 * server-sent events (see {@link LogFormat}). Errors found before the first byte (no such
 * container, bad options, no previous attempt) are problem+json; once streaming, the stream just
 * ends.
 */
@RestController
class ContainerLogsController {

	/** How often an idle followed event stream sends a comment, which notices a gone client. */
	static final Duration HEARTBEAT = Duration.ofSeconds(15);

	private final ContainerLogs logs;

	private final JsonMapper json;

	ContainerLogsController(ContainerLogs logs, JsonMapper json) {
		this.logs = logs;
		this.json = json;
	}

	/**
	 * @param sinceTime RFC 3339
	 * @param stream {@code all} (default), {@code stdout} or {@code stderr}
	 * @param download adds Content-Disposition: attachment
	 * @param lastEventId sent by a reconnecting EventSource: resume after that offset
	 */
	@GetMapping("/api/v1/containers/{id}/logs")
	ResponseEntity<StreamingResponseBody> logs(@PathVariable String id, @RequestParam(defaultValue = "false") boolean follow,
			@RequestParam(defaultValue = "false") boolean previous, @RequestParam(required = false) Long tailLines,
			@RequestParam(required = false) Long sinceSeconds, @RequestParam(required = false) String sinceTime,
			@RequestParam(defaultValue = "false") boolean timestamps, @RequestParam(required = false) Long limitBytes,
			@RequestParam(required = false) String stream, @RequestParam(defaultValue = "false") boolean download,
			@RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept,
			@RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
			jakarta.servlet.http.HttpServletResponse servletResponse) {
		LogFormat format = LogFormat.negotiate(accept);
		LogOptions options = new LogOptions(follow, previous, tailLines, sinceSeconds, parseTime("sinceTime", sinceTime),
				timestamps, limitBytes, LogStream.parse("stream", stream),
				format == LogFormat.EVENT_STREAM ? parseOffset(lastEventId) : null);
		ContainerLogs.LogSession session = logs.open(ApiIds.objectId("id", id), options);
		ResponseEntity.BodyBuilder response = ResponseEntity.ok()
			.contentType(format == LogFormat.EVENT_STREAM ? format.mediaType
					: new org.springframework.http.MediaType(format.mediaType, StandardCharsets.UTF_8))
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			// nginx and similar proxies buffer responses; a followed log must not wait in one
			.header("X-Accel-Buffering", "no");
		if (download) {
			response.header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
				.filename("%s-%s.%s".formatted(session.container().name(), session.container().id().substring(0, 12),
						format.fileExtension))
				.build()
				.toString());
		}
		return response.body(FlushingBody.of(servletResponse, out -> {
			session.stream(new HttpLogSink(out, format, json, options));
			if (format == LogFormat.EVENT_STREAM) {
				// without it a browser's EventSource reconnects forever to a log that has ended
				out.write("event: end\ndata: {}\n\n".getBytes(StandardCharsets.US_ASCII));
			}
		}));
	}

	private static Instant parseTime(String parameter, String text) {
		if (text == null || text.isBlank()) {
			return null;
		}
		try {
			return OffsetDateTime.parse(text.strip()).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw new InvalidArgument("%s: \"%s\" is not an RFC 3339 time such as 2026-01-10T10:00:00Z"
				.formatted(parameter, Problems.bounded(text)));
		}
	}

	private static Long parseOffset(String lastEventId) {
		if (lastEventId == null || lastEventId.isBlank()) {
			return null;
		}
		try {
			return Long.parseLong(lastEventId.strip());
		}
		catch (NumberFormatException ex) {
			throw new InvalidArgument("Last-Event-ID: not an offset this API handed out: " + Problems.bounded(lastEventId));
		}
	}

	/** Writes lines in the negotiated format; flushes each line while following so that it is seen at once. */
	private static final class HttpLogSink implements LogSink {

		private final OutputStream out;

		private final LogFormat format;

		private final JsonMapper json;

		private final LogOptions options;

		private long lastWrite = System.nanoTime();

		HttpLogSink(OutputStream out, LogFormat format, JsonMapper json, LogOptions options) {
			this.out = out;
			this.format = format;
			this.json = json;
			this.options = options;
		}

		@Override
		public boolean accept(LogLine line) throws IOException {
			format.write(out, json, line, options.timestamps());
			if (options.follow()) {
				out.flush();
			}
			lastWrite = System.nanoTime();
			return true;
		}

		@Override
		public boolean idle() throws IOException {
			if (format == LogFormat.EVENT_STREAM && System.nanoTime() - lastWrite > HEARTBEAT.toNanos()) {
				out.write(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
				out.flush();
				lastWrite = System.nanoTime();
			}
			return true;
		}

	}

}
