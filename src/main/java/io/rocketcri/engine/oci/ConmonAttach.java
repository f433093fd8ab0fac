package io.rocketcri.engine.oci;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.rocketcri.engine.HostOs;
import io.rocketcri.engine.StreamingProcess;
import io.rocketcri.engine.stdio.NativeIo;
import io.rocketcri.engine.stdio.SharedFd;

/**
 * An attach to a running container through its conmon's attach socket ({@code AF_UNIX
 * SOCK_SEQPACKET}). conmon sends each chunk of the container's output as one packet whose first
 * byte names the pipe (2 stdout, 3 stderr; with a terminal everything is 2); what we send is
 * the container's stdin, and our {@code shutdown(SHUT_WR)} closes it when the container is
 * stdin-once. A resize is a line {@code "1 <height> <width>"} on conmon's control FIFO.
 *
 * <p>Output only flows while we are connected: an attach sees what the container writes from
 * now on (the log has the rest). The session ends when conmon closes the socket (the container
 * exited) or on {@link #close}, which only detaches: the container goes on.
 *
 * <p>Threads: one platform thread receives; stdin is sent by the caller's thread.
 */
final class ConmonAttach implements StreamingProcess {

	/** conmon reads the socket with a 32 KiB buffer; a bigger packet would be cut. */
	private static final int MAX_STDIN_PACKET = 8192;

	/** conmon's packets are at most its 8 KiB stdio buffer plus the pipe byte; room to spare. */
	private static final int PACKET = 64 * 1024;

	private static final byte STDOUT = 2;

	private static final byte STDERR = 3;

	private final String id;

	private final SharedFd socket;

	private final Path ctlFifo;

	private final HostOs host;

	private final AtomicBoolean stdinOpen;

	private final AtomicBoolean started = new AtomicBoolean();

	private final AtomicBoolean closed = new AtomicBoolean();

	private ConmonAttach(String id, SharedFd socket, Path ctlFifo, HostOs host, boolean stdin) {
		this.id = id;
		this.socket = socket;
		this.ctlFifo = ctlFifo;
		this.host = host;
		this.stdinOpen = new AtomicBoolean(stdin);
	}

	static ConmonAttach connect(String id, Path socketPath, Path ctlFifo, HostOs host, boolean stdin)
			throws IOException {
		return new ConmonAttach(id, new SharedFd(NativeIo.connectSeqPacket(socketPath)), ctlFifo, host, stdin);
	}

	@Override
	public CompletableFuture<OptionalInt> start(Output output) {
		if (!this.started.compareAndSet(false, true)) {
			throw new IllegalStateException("attach to " + this.id + " already started");
		}
		CompletableFuture<OptionalInt> done = new CompletableFuture<>();
		if (this.closed.get()) {
			this.socket.release();
			done.complete(OptionalInt.empty());
			return done;
		}
		Thread.ofPlatform().name("attach-" + this.id.substring(0, Math.min(12, this.id.length()))).daemon().start(() -> {
			try {
				receive(output);
			}
			finally {
				this.socket.release();
				done.complete(OptionalInt.empty());
			}
		});
		return done;
	}

	private void receive(Output output) {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment segment = arena.allocate(PACKET);
			byte[] buffer = new byte[PACKET];
			while (true) {
				int n = NativeIo.recv(this.socket.fd(), segment);
				if (n <= 0) {
					return;
				}
				MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, 0, buffer, 0, n);
				try {
					if (buffer[0] == STDOUT) {
						output.stdout(buffer, 1, n - 1);
					}
					else if (buffer[0] == STDERR) {
						output.stderr(buffer, 1, n - 1);
					}
				}
				catch (IOException ex) {
					// the client is gone; conmon must not block on us, so detach
					return;
				}
			}
		}
		catch (IOException ex) {
			// conmon went away
		}
	}

	@Override
	public boolean hasStdin() {
		return this.stdinOpen.get();
	}

	@Override
	public void writeStdin(byte[] data, int offset, int length) throws IOException {
		if (!this.stdinOpen.get() || !this.socket.acquire()) {
			throw new IOException("attach to container " + this.id + ": stdin is closed");
		}
		try {
			for (int done = 0; done < length; done += MAX_STDIN_PACKET) {
				NativeIo.send(this.socket.fd(), data, offset + done, Math.min(MAX_STDIN_PACKET, length - done));
			}
		}
		finally {
			this.socket.release();
		}
	}

	@Override
	public void closeStdin() {
		if (this.stdinOpen.compareAndSet(true, false) && this.socket.acquire()) {
			try {
				NativeIo.shutdown(this.socket.fd(), NativeIo.SHUT_WR);
			}
			finally {
				this.socket.release();
			}
		}
	}

	@Override
	public void resize(int width, int height) {
		if (width <= 0 || height <= 0) {
			return;
		}
		try {
			// conmon's control message: type 1 (window resize), then height and width
			this.host.writeFifo(this.ctlFifo, ("1 " + height + " " + width + "\n").getBytes(StandardCharsets.US_ASCII));
		}
		catch (IOException ex) {
			// conmon is gone (the container exited) or busy: a lost resize is harmless
		}
	}

	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.stdinOpen.set(false);
		if (this.socket.acquire()) {
			try {
				// wakes the receiving thread, which then lets go of the descriptor
				NativeIo.shutdown(this.socket.fd(), NativeIo.SHUT_RDWR);
			}
			finally {
				this.socket.release();
			}
		}
		if (!this.started.get()) {
			this.socket.release();
		}
	}

}
