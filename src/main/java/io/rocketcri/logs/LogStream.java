package io.rocketcri.logs;

import java.util.Locale;

import io.rocketcri.failure.InvalidArgument;

/** Which of a container's output streams a log line came from, or (as an option) which to read. */
public enum LogStream {

	/** Both streams; only ever an option, never the stream of a line. */
	ALL, STDOUT, STDERR;

	/** {@code stdout}, {@code stderr} or {@code all}: the names in CRI log files and in the API. */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	boolean includes(LogStream lineStream) {
		return this == ALL || this == lineStream;
	}

	/**
	 * Parses {@code all}, {@code stdout} or {@code stderr} (any case); null or empty is ALL.
	 * @throws InvalidArgument naming {@code parameter} for anything else
	 */
	public static LogStream parse(String parameter, String text) {
		if (text == null || text.isBlank()) {
			return ALL;
		}
		for (LogStream s : values()) {
			if (s.wireName().equalsIgnoreCase(text.strip())) {
				return s;
			}
		}
		throw new InvalidArgument(parameter + ": unknown stream \"" + Bounded.quote(text) + "\"; one of all, stdout, stderr");
	}

}
