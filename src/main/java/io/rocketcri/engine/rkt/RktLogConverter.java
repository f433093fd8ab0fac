package io.rocketcri.engine.rkt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * rkt's k8s-plain log lines into the CRI log format kubelet reads.
 *
 * <p>stage1's iottymux writes each output line as {@code <RFC3339Nano> <stdout|stderr> <line>},
 * the line with its own newline: the format kubelet read before CRI logs had a partial-line tag.
 * Kubelet now wants {@code <RFC3339Nano> <stream> <F|P> <text>\n}, F for a full line, P for a part
 * that the next record continues. A line is only converted once its newline has arrived; what
 * remains when the app has exited is its last, unterminated line, written as P (as conmon does).
 *
 * <p>Not thread-safe: one follower feeds one converter.
 */
final class RktLogConverter {

	private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

	/** Converts the complete records in {@code raw} (and what was held back before); keeps the rest. */
	byte[] feed(byte[] raw, int offset, int length) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int start = offset;
		int end = offset + length;
		for (int i = offset; i < end; i++) {
			if (raw[i] == '\n') {
				pending.write(raw, start, i - start);
				convert(pending.toByteArray(), true, out);
				pending.reset();
				start = i + 1;
			}
		}
		pending.write(raw, start, end - start);
		return out.toByteArray();
	}

	/** Bytes held back: the start of a record whose newline has not arrived yet. */
	int pendingBytes() {
		return pending.size();
	}

	/** The held-back unterminated record, converted as partial; empty when there is none. */
	byte[] finish() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		if (pending.size() > 0) {
			convert(pending.toByteArray(), false, out);
			pending.reset();
		}
		return out.toByteArray();
	}

	private static void convert(byte[] record, boolean full, ByteArrayOutputStream out) {
		String line = new String(record, StandardCharsets.UTF_8);
		String timestamp = null;
		String stream = "stdout";
		String text = line;
		int firstSpace = line.indexOf(' ');
		if (firstSpace > 0 && isTimestamp(line.substring(0, firstSpace))) {
			int secondSpace = line.indexOf(' ', firstSpace + 1);
			String label = secondSpace < 0 ? line.substring(firstSpace + 1) : line.substring(firstSpace + 1, secondSpace);
			if (label.equals("stdout") || label.equals("stderr")) {
				timestamp = line.substring(0, firstSpace);
				stream = label;
				text = secondSpace < 0 ? "" : line.substring(secondSpace + 1);
			}
		}
		if (timestamp == null) {
			// not rkt's shape (a line longer than iottymux's buffer continues without a prefix): keep
			// the text, stamped now, rather than lose it
			timestamp = DateTimeFormatter.ISO_INSTANT.format(Instant.now());
		}
		out.writeBytes((timestamp + " " + stream + " " + (full ? "F" : "P") + " " + text + "\n")
			.getBytes(StandardCharsets.UTF_8));
	}

	private static boolean isTimestamp(String token) {
		try {
			DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(token);
			return true;
		}
		catch (DateTimeParseException ex) {
			return false;
		}
	}

}
