package io.rocketcri.console.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.logs.LogLine;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * The three shapes a log (or any line stream) goes out in, picked from the Accept header:
 * {@code text/plain} (the default: one line per line, as kubectl logs prints), NDJSON (one JSON
 * object per line: time, stream, log, partial, offset) and server-sent events for browsers, whose
 * event id is the line's file offset so that EventSource's reconnect (Last-Event-ID) resumes
 * where it stopped.
 */
enum LogFormat {

	TEXT(MediaType.TEXT_PLAIN, "log"), NDJSON(MediaType.APPLICATION_NDJSON, "ndjson"),
	EVENT_STREAM(MediaType.TEXT_EVENT_STREAM, "events");

	final MediaType mediaType;

	final String fileExtension;

	LogFormat(MediaType mediaType, String fileExtension) {
		this.mediaType = mediaType;
		this.fileExtension = fileExtension;
	}

	/** The first of the client's accepted types (by quality) we produce; text/plain for none or {@code *}/{@code *}. */
	static LogFormat negotiate(String accept) {
		if (accept == null || accept.isBlank()) {
			return TEXT;
		}
		List<MediaType> accepted;
		try {
			accepted = MediaType.parseMediaTypes(accept);
		}
		catch (InvalidMediaTypeException ex) {
			throw new InvalidArgument("Accept: not a list of media types: " + Problems.bounded(accept));
		}
		accepted = new java.util.ArrayList<>(accepted);
		accepted.sort(java.util.Comparator.comparingDouble(MediaType::getQualityValue).reversed()); // stable: header order otherwise
		for (MediaType wanted : accepted) {
			for (LogFormat f : values()) {
				if (wanted.includes(f.mediaType) && !wanted.isWildcardType()) {
					return f;
				}
			}
			if (wanted.isWildcardType()) {
				return TEXT;
			}
		}
		throw new NotAcceptable("Accept: " + Problems.bounded(accept)
				+ "; logs come as text/plain, application/x-ndjson or text/event-stream");
	}

	/** What a log line looks like in NDJSON and in an event's data. */
	static Map<String, Object> json(LogLine line) {
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("time", line.time().toString());
		out.put("stream", line.stream().wireName());
		out.put("log", line.text());
		out.put("partial", line.partial());
		out.put("offset", line.offset());
		return out;
	}

	void write(OutputStream out, JsonMapper json, LogLine line, boolean timestamps) throws IOException {
		switch (this) {
			case TEXT -> {
				String text = timestamps ? line.time() + " " + line.text() : line.text();
				out.write(text.getBytes(StandardCharsets.UTF_8));
				if (!line.partial()) {
					out.write('\n');
				}
			}
			case NDJSON -> {
				out.write(json.writeValueAsBytes(json(line)));
				out.write('\n');
			}
			case EVENT_STREAM -> {
				out.write(("id: " + line.offset() + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
				out.write(json.writeValueAsBytes(json(line)));
				out.write("\n\n".getBytes(StandardCharsets.US_ASCII));
			}
		}
	}

	/** The Accept header asks for nothing we produce: 406. */
	static final class NotAcceptable extends RuntimeException {

		NotAcceptable(String message) {
			super(message);
		}

	}

}
