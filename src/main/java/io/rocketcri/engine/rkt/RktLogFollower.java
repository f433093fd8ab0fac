package io.rocketcri.engine.rkt;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one app's raw rkt log into kubelet's log path, converted ({@link RktLogConverter}), while
 * the app runs. The target is opened for each batch: when kubelet rotates it (rename, then
 * ReopenContainerLog) the next batch lands in the new file with nothing to reopen. How far the raw
 * file was converted is kept in {@code offsetFile}, so a rocket-cri restart resumes where it was
 * instead of duplicating lines (but for a crash between a batch's write and its offset's: then
 * that batch is copied twice, rather than lost).
 */
final class RktLogFollower {

	private static final Logger log = LoggerFactory.getLogger(RktLogFollower.class);

	private final String containerId;

	private final Path raw;

	private final Path target;

	private final Path offsetFile;

	private final Duration interval;

	private final RktLogConverter converter = new RktLogConverter();

	/** Bytes of {@code raw} already read (converted or held back by the converter); follower thread only. */
	private long readOffset;

	private volatile boolean stopping;

	/** Whether a stop copies the rest and the unterminated last line (the app ended) or just leaves. */
	private volatile boolean finish = true;

	private Thread thread;

	RktLogFollower(String containerId, Path raw, Path target, Path offsetFile, Duration interval) {
		this.containerId = containerId;
		this.raw = raw;
		this.target = target;
		this.offsetFile = offsetFile;
		this.interval = interval;
	}

	synchronized void start() {
		if (thread != null) {
			return;
		}
		try {
			createTarget();
		}
		catch (IOException ex) {
			// the first batch of lines tries again
			log.warn("creating the log file {} of container {}: {}", target, containerId, ex.getMessage());
		}
		readOffset = savedOffset();
		thread = Thread.ofVirtual().name("rkt-log-" + containerId).start(this::run);
	}

	/** Copies what is left, including an unterminated last line, and ends the follower. */
	void stop() {
		end();
	}

	/**
	 * Ends the follower without copying the rest: rocket-cri shuts down while the app runs on, and
	 * the next run's follower goes on from the saved offset.
	 */
	void halt() {
		finish = false;
		end();
	}

	private void end() {
		Thread t;
		synchronized (this) {
			t = thread;
			stopping = true;
		}
		if (t == null) {
			return;
		}
		try {
			t.join(Duration.ofSeconds(10));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void run() {
		try {
			while (!stopping) {
				copyOnce();
				Thread.sleep(interval);
			}
			if (finish) {
				copyOnce();
				append(converter.finish());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (IOException | RuntimeException ex) {
			log.warn("copying the rkt log of container {} to {}: {}", containerId, target, ex.getMessage());
		}
	}

	/** One batch: what the raw file grew by since the last one. */
	void copyOnce() throws IOException {
		if (!Files.exists(raw)) {
			return;
		}
		try (FileChannel in = FileChannel.open(raw, StandardOpenOption.READ)) {
			if (in.size() < readOffset) {
				readOffset = 0; // truncated: stage1 reopened it with O_TRUNC for a restarted app
			}
			ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
			int n;
			while ((n = in.read(buffer, readOffset)) > 0) {
				append(converter.feed(buffer.array(), 0, n));
				readOffset += n;
				buffer.clear();
			}
		}
		// what the converter holds back is read again after a restart, not lost
		Files.writeString(offsetFile, Long.toString(readOffset - converter.pendingBytes()), StandardCharsets.US_ASCII);
	}

	/**
	 * Creates kubelet's log file, empty, unless it exists: at start (kubelet and critest read it
	 * before the app has written anything, as they can with conmon's) and after kubelet rotated
	 * it away (ReopenContainerLog), rather than only with the next line the app writes.
	 */
	void createTarget() throws IOException {
		Files.createDirectories(target.getParent());
		try {
			Files.createFile(target);
		}
		catch (java.nio.file.FileAlreadyExistsException ex) {
			// the file kubelet reads is there already
		}
	}

	private void append(byte[] converted) throws IOException {
		if (converted.length == 0) {
			return;
		}
		Files.createDirectories(target.getParent());
		try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
				StandardOpenOption.WRITE)) {
			out.write(converted);
		}
	}

	private long savedOffset() {
		try {
			return Long.parseLong(Files.readString(offsetFile, StandardCharsets.US_ASCII).strip());
		}
		catch (IOException | NumberFormatException ex) {
			return 0;
		}
	}

}
