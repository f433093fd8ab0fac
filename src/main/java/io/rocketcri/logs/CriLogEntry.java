package io.rocketcri.logs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One physical line of a CRI log file: {@code <RFC3339Nano time> <stdout|stderr> <tags> <text>},
 * where the tags are separated by {@code ':'} and tag {@code P} marks a partial line that the next
 * entry of the same stream continues ({@code F}: full).
 */
record CriLogEntry(Instant time, LogStream stream, boolean partial, String text) {

	/** The entry in {@code line[0, length)} (no newline), or null when it is not in the CRI format. */
	static CriLogEntry parse(byte[] line, int length) {
		int timeEnd = indexOf(line, 0, length);
		int streamEnd = timeEnd < 0 ? -1 : indexOf(line, timeEnd + 1, length);
		if (streamEnd < 0) {
			return null;
		}
		int tagsEnd = indexOf(line, streamEnd + 1, length);
		if (tagsEnd < 0) {
			tagsEnd = length; // "<time> stdout F" with nothing after: an empty line
		}
		Instant time;
		try {
			time = Instant.parse(new String(line, 0, timeEnd, StandardCharsets.US_ASCII));
		}
		catch (DateTimeParseException ex) {
			return null;
		}
		String streamName = new String(line, timeEnd + 1, streamEnd - timeEnd - 1, StandardCharsets.US_ASCII);
		LogStream stream = switch (streamName) {
			case "stdout" -> LogStream.STDOUT;
			case "stderr" -> LogStream.STDERR;
			default -> null;
		};
		if (stream == null) {
			return null;
		}
		boolean partial = false;
		for (String tag : new String(line, streamEnd + 1, tagsEnd - streamEnd - 1, StandardCharsets.US_ASCII).split(":")) {
			partial |= tag.equals("P");
		}
		int textStart = Math.min(tagsEnd + 1, length);
		return new CriLogEntry(time, stream, partial, new String(line, textStart, length - textStart, StandardCharsets.UTF_8));
	}

	private static int indexOf(byte[] line, int from, int length) {
		for (int i = from; i < length; i++) {
			if (line[i] == ' ') {
				return i;
			}
		}
		return -1;
	}

}
