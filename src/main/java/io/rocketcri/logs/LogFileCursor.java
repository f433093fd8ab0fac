package io.rocketcri.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * Reads one log file forward, physical line by physical line, from where it stopped last time.
 * A line still being written (no newline yet) is kept until its end arrives or the caller
 * {@link #takeIncomplete takes it} at the very end. Not thread-safe: one reader owns it.
 */
final class LogFileCursor implements AutoCloseable {

	/**
	 * A physical line longer than this is cut there and the rest of it dropped: a hostile or broken
	 * file must not fill the heap (conmon itself splits long output into partial lines of 8 KiB).
	 */
	static final int MAX_LINE = 1 << 20;

	/** One physical line and the file offset just after it. */
	interface LineHandler {

		/** @param truncated the line was longer than {@link #MAX_LINE}: these are its first bytes */
		boolean line(byte[] bytes, int length, long offsetAfter, boolean truncated) throws IOException;

	}

	private final FileChannel channel;

	private final Object fileKey;

	private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

	private byte[] pending = new byte[256];

	private int pendingLength;

	/** Dropping the rest of a line that was cut at {@link #MAX_LINE}, up to its newline. */
	private boolean dropping;

	/** Offset of the next byte to read. */
	private long position;

	private LogFileCursor(FileChannel channel, Object fileKey, long position) {
		this.channel = channel;
		this.fileKey = fileKey;
		this.position = position;
	}

	/**
	 * @param start where to begin; past the end of the file (it was rotated since the offset was
	 * handed out) means the beginning
	 */
	static LogFileCursor open(Path path, long start) throws IOException {
		FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
		try {
			Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
			return new LogFileCursor(channel, key, start > channel.size() ? 0 : start);
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	/**
	 * Whether {@code path} now names another file than the one this cursor reads (ReopenContainerLog
	 * after kubelet renamed the file away). A missing path is not a new file yet.
	 */
	boolean replacedAt(Path path) throws IOException {
		try {
			Object now = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
			return now != null && !now.equals(fileKey);
		}
		catch (NoSuchFileException ex) {
			return false;
		}
	}

	/** Hands every complete line from the current position to the end of the file to {@code handler}. */
	boolean readAvailable(LineHandler handler) throws IOException {
		if (channel.size() < position) {
			position = 0; // truncated in place (copytruncate); start over rather than wait forever
			pendingLength = 0;
			dropping = false;
		}
		while (true) {
			buffer.clear();
			int n = channel.read(buffer, position);
			if (n <= 0) {
				return true;
			}
			byte[] bytes = buffer.array();
			int start = 0;
			for (int i = 0; i < n; i++) {
				if (bytes[i] == '\n') {
					long after = position + i + 1;
					if (dropping) {
						dropping = false;
						start = i + 1;
						continue;
					}
					append(bytes, start, i - start);
					int length = pendingLength;
					pendingLength = 0;
					start = i + 1;
					if (!handler.line(pending, length, after, false)) {
						position = after;
						return false;
					}
				}
				else if (!dropping && pendingLength + (i - start) >= MAX_LINE) {
					append(bytes, start, i - start);
					int length = pendingLength;
					pendingLength = 0;
					dropping = true;
					if (!handler.line(pending, length, position + i, true)) {
						position = position + i;
						return false;
					}
				}
			}
			if (!dropping) {
				append(bytes, start, n - start);
			}
			position += n;
		}
	}

	/** The line still without its newline, handed over at the end of reading; false if the handler stops. */
	boolean takeIncomplete(LineHandler handler) throws IOException {
		if (pendingLength == 0) {
			return true;
		}
		int length = pendingLength;
		pendingLength = 0;
		return handler.line(pending, length, position, false);
	}

	long position() {
		return position;
	}

	private void append(byte[] bytes, int from, int length) {
		if (length <= 0) {
			return;
		}
		if (pendingLength + length > pending.length) {
			pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + length));
		}
		System.arraycopy(bytes, from, pending, pendingLength, length);
		pendingLength += length;
	}

	@Override
	public void close() throws IOException {
		channel.close();
	}

}
