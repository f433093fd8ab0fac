package io.rocketcri.engine.oci;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.rocketcri.config.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Turns what runc prints into the sentence a person needs. runc reports errors in three shapes:
 * logrus text on stderr ({@code time="…" level=error msg="container does not exist"}), a bare
 * line on stderr, and JSON lines in the file given with {@code --log} (the only place its errors
 * from {@code runc create} under conmon end up, besides conmon's copy of its stderr).
 */
final class RuntimeMessages {

	private static final Pattern LOGRUS_MSG = Pattern.compile("msg=\"((?:[^\"\\\\]|\\\\.)*)\"");

	private RuntimeMessages() {
	}

	/** The messages of stderr text, one per line, logrus fields reduced to their {@code msg}. */
	static String fromStderr(String stderr) {
		List<String> messages = new ArrayList<>();
		for (String line : stderr.split("\n")) {
			String text = line.strip();
			if (text.isEmpty()) {
				continue;
			}
			Matcher m = LOGRUS_MSG.matcher(text);
			String message = m.find() ? unescape(m.group(1)) : text;
			if (!messages.contains(message)) {
				messages.add(message);
			}
		}
		return String.join("; ", messages);
	}

	/**
	 * The error and fatal messages of runc's JSON log file written since byte {@code from}, empty
	 * when there is none. Lines that are not JSON are kept as they are.
	 */
	static String fromJsonLog(Path log, long from) {
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(log);
		}
		catch (NoSuchFileException ex) {
			return "";
		}
		catch (IOException ex) {
			return "(cannot read " + log + ": " + ex.getMessage() + ")";
		}
		int start = (int) Math.min(Math.max(0, from), bytes.length);
		List<String> messages = new ArrayList<>();
		for (String line : new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8).split("\n")) {
			String text = line.strip();
			if (text.isEmpty()) {
				continue;
			}
			String message = text;
			if (text.startsWith("{")) {
				try {
					JsonNode entry = Json.MAPPER.readTree(text);
					String level = entry.path("level").asString("");
					if (!level.equals("error") && !level.equals("fatal")) {
						continue;
					}
					message = entry.path("msg").asString(text);
				}
				catch (JacksonException ex) {
					// not JSON after all: keep the line
				}
			}
			if (!messages.contains(message)) {
				messages.add(message);
			}
		}
		return String.join("; ", messages);
	}

	/** The size of {@code file}, 0 when it does not exist yet: where new log lines will start. */
	static long sizeOf(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private static String unescape(String quoted) {
		StringBuilder out = new StringBuilder(quoted.length());
		for (int i = 0; i < quoted.length(); i++) {
			char c = quoted.charAt(i);
			if (c == '\\' && i + 1 < quoted.length()) {
				char next = quoted.charAt(++i);
				out.append(switch (next) {
					case 'n' -> '\n';
					case 't' -> '\t';
					default -> next;
				});
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

}
