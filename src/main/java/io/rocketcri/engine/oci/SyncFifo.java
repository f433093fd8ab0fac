package io.rocketcri.engine.oci;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import tools.jackson.databind.JsonNode;

import io.rocketcri.config.Json;
import io.rocketcri.engine.HostOs;
import io.rocketcri.engine.HostOsException;

/**
 * The read end of conmon's sync pipe, as a FIFO that the launching shell opens as the child's fd 3
 * ({@code 3>"$FIFO"}). conmon writes one JSON object per line: {@code {"pid": N}} after
 * {@code runc create}, {@code {"data": N}} twice for an exec with {@code --api-version 1} (the exec
 * pid, then its exit code), and a negative number plus {@code "message"} when the runtime failed.
 *
 * <p>A reader thread (a platform thread, see {@link #open}) opens the FIFO (the open blocks
 * until the shell opens the other end) and reads at most {@code expected} messages, then closes
 * it: conmon keeps its end open for the container's whole life, so a reader that kept reading
 * would block for as long. The thread also ends on end-of-file, when every writer (the shell,
 * every conmon process) has closed or died.
 *
 * <p>Thread confinement: {@link #next} is called by the one thread driving the launch; the
 * queue is the only state shared with the reader thread.
 */
final class SyncFifo implements AutoCloseable {

	/** One line from conmon; {@code value} is the pid, exit code or (negative) failure. */
	record Message(int value, String message) {

		boolean failed() {
			return this.value < 0;
		}

	}

	/** Queued by the reader when the pipe ends, so {@link #next} can tell "closed" from "slow". */
	private static final Object END = new Object();

	private final HostOs host;

	private final Path path;

	private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

	private static final int NEW = 0;

	private static final int OPENING = 1;

	private static final int OPENED = 2;

	private static final int CLOSED = 3;

	/**
	 * NEW → OPENING → OPENED by the reader, NEW → CLOSED by {@link #close}: whoever moves first
	 * from NEW decides whether the reader may still block in its open.
	 */
	private final AtomicInteger state = new AtomicInteger(NEW);

	private SyncFifo(HostOs host, Path path) {
		this.host = host;
		this.path = path;
	}

	/** Makes a fresh FIFO in {@code dir} and starts reading up to {@code expected} messages. */
	static SyncFifo open(HostOs host, Path dir, String name, int expected) throws IOException {
		Path path = dir.resolve(name + "." + UUID.randomUUID().toString().substring(0, 8) + ".sync");
		host.mknod(path, HostOs.S_IFIFO | 0600, 0, 0);
		SyncFifo fifo = new SyncFifo(host, path);
		// A platform thread, not a virtual one: JDK 25 runs a FIFO's open and read in native code
		// on the carrier without compensating, so on a 2-core host two readers waiting for their
		// writer took both carriers, and the virtual threads that start the writers (the shells)
		// never ran. Seen as a deadlock of five parallel creates.
		Thread.ofPlatform().daemon().name("conmon-sync-" + name).start(() -> fifo.read(expected));
		return fifo;
	}

	/**
	 * A reader in OPENING blocks in open(2) until a writer comes: be that writer (open, write
	 * nothing, close), which gives it end-of-file. Our non-blocking open fails with ENXIO until the
	 * reader is inside its open, hence the short retries.
	 */
	private void releaseOpeningReader() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		while (this.state.get() == OPENING && System.nanoTime() < deadline) {
			try {
				this.host.writeFifo(this.path, new byte[0]);
				return;
			}
			catch (HostOsException ex) {
				if (ex.errno() != HostOsException.ENXIO) {
					return;
				}
			}
			catch (IOException ex) {
				return;
			}
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	Path path() {
		return this.path;
	}

	private void read(int expected) {
		if (!this.state.compareAndSet(NEW, OPENING)) {
			this.queue.add(END);
			return;
		}
		try (FileInputStream in = new FileInputStream(this.path.toFile())) {
			this.state.set(OPENED);
			BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
			for (int read = 0; read < expected; read++) {
				String line = lines.readLine();
				if (line == null) {
					break;
				}
				this.queue.add(parse(line));
			}
		}
		catch (IOException ex) {
			this.queue.add(ex);
		}
		finally {
			this.state.set(OPENED);
			this.queue.add(END);
		}
	}

	static Message parse(String line) throws IOException {
		JsonNode json = Json.read(line.getBytes(StandardCharsets.UTF_8));
		JsonNode value = json.has("data") ? json.get("data") : json.has("pid") ? json.get("pid") : json.get("exit_code");
		if (value == null || !value.canConvertToInt()) {
			throw new IOException("unexpected message from conmon: " + line);
		}
		return new Message(value.asInt(), json.path("message").asString(""));
	}

	/**
	 * The next message, or null when conmon closed the pipe without one (it died, or failed before
	 * it could report).
	 * @throws TimeoutException when nothing came within {@code timeout}; a later call may still get it
	 */
	Message next(Duration timeout) throws IOException, TimeoutException, InterruptedException {
		Object item = this.queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
		if (item == null) {
			throw new TimeoutException("no message from conmon within " + timeout.toMillis() + " ms");
		}
		if (item == END) {
			this.queue.add(END);
			return null;
		}
		if (item instanceof IOException ex) {
			throw new IOException("reading conmon's sync pipe " + this.path + ": " + ex.getMessage(), ex);
		}
		return (Message) item;
	}

	/**
	 * Releases a reader still blocked in its open (when the shell died before opening its end),
	 * then removes the FIFO. A reader that already has the pipe open ends by itself once conmon
	 * is gone or has written what was expected.
	 */
	@Override
	public void close() {
		if (!this.state.compareAndSet(NEW, CLOSED)) {
			releaseOpeningReader();
		}
		try {
			Files.deleteIfExists(this.path);
		}
		catch (IOException ex) {
			// a stray FIFO in the sync directory; removed with the directory at the next start
		}
	}

}
