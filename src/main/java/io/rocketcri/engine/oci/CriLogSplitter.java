package io.rocketcri.engine.oci;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a file in the CRI log format back into the bytes written to stdout and to stderr. conmon
 * writes ExecSync output this way: each line is
 * {@code <timestamp> <stdout|stderr> <tags> <content>\n}, where tag {@code F} means the content was
 * a full line (its newline is the one ending the log line) and {@code P} a partial one (the newline
 * ending the log line was added by conmon and is not part of the output). Tags may be several,
 * separated by {@code ':'}.
 */
final class CriLogSplitter {

	/** The two streams of one log. */
	record Output(byte[] stdout, byte[] stderr) {
	}

	private CriLogSplitter() {
	}

	static Output split(byte[] log) {
		ByteArrayOutputStream stdout = new ByteArrayOutputStream();
		ByteArrayOutputStream stderr = new ByteArrayOutputStream();
		int start = 0;
		while (start < log.length) {
			int end = indexOf(log, (byte) '\n', start);
			boolean terminated = end >= 0;
			if (!terminated) {
				end = log.length;
			}
			splitLine(log, start, end, terminated, stdout, stderr);
			start = end + 1;
		}
		return new Output(stdout.toByteArray(), stderr.toByteArray());
	}

	private static void splitLine(byte[] log, int start, int end, boolean terminated, ByteArrayOutputStream stdout,
			ByteArrayOutputStream stderr) {
		int timestampEnd = indexOf(log, (byte) ' ', start, end);
		int streamEnd = timestampEnd < 0 ? -1 : indexOf(log, (byte) ' ', timestampEnd + 1, end);
		if (streamEnd < 0) {
			return; // not a CRI log line (a truncated tail): nothing we can attribute
		}
		int tagsEnd = indexOf(log, (byte) ' ', streamEnd + 1, end);
		int contentStart = tagsEnd < 0 ? end : tagsEnd + 1;
		int tagsStop = tagsEnd < 0 ? end : tagsEnd;
		String stream = new String(log, timestampEnd + 1, streamEnd - timestampEnd - 1,
				StandardCharsets.US_ASCII);
		String tags = new String(log, streamEnd + 1, tagsStop - streamEnd - 1,
				StandardCharsets.US_ASCII);
		ByteArrayOutputStream target = "stderr".equals(stream) ? stderr : stdout;
		target.write(log, contentStart, end - contentStart);
		boolean partial = false;
		for (String tag : tags.split(":")) {
			partial |= tag.equals("P");
		}
		if (terminated && !partial) {
			target.write('\n');
		}
	}

	private static int indexOf(byte[] bytes, byte b, int from) {
		return indexOf(bytes, b, from, bytes.length);
	}

	private static int indexOf(byte[] bytes, byte b, int from, int to) {
		for (int i = from; i < to; i++) {
			if (bytes[i] == b) {
				return i;
			}
		}
		return -1;
	}

}
