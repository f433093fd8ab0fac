package io.rocketcri.streaming;

import java.io.IOException;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.rocketcri.engine.StreamingProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec or attach, whatever the wire protocol: opens the process when the client is ready,
 * feeds its output to the client, the client's stdin and terminal size to it, and reports how it
 * ended. The protocol side ({@link Transport}) only frames bytes.
 *
 * <pre>
 *   new ──begin()──▶ opening ──opened──▶ streaming ──output done + exit──▶ finished (status sent, connection closed)
 *                      │                     │
 *                      └── open failed ──────┴── client gone: abort() ──▶ process closed (exec killed)
 * </pre>
 *
 * <p>Threads: {@link #stdin}, {@link #stdinEnd}, {@link #resize}, {@link #abort} come from the
 * event loop and never block; opening runs on a virtual thread; output arrives on the engine's
 * threads; stdin is written by the {@link OrderedWriter}'s platform thread (pipes and ptys block).
 */
final class RemoteCommandSession {

	private static final Logger log = LoggerFactory.getLogger(RemoteCommandSession.class);

	/** The protocol side of a session. */
	interface Transport {

		/** Blocks while the client is slow. */
		void stdout(byte[] data, int offset, int length) throws IOException;

		void stderr(byte[] data, int offset, int length) throws IOException;

		/** Sends the report the protocol's way and closes the connection. */
		void finish(ExitReport report);

		Channel channel();

	}

	/** Opens the process; may take a while (runc exec), so never on the event loop. */
	@FunctionalInterface
	interface Opener {

		StreamingProcess open() throws Exception;

	}

	private final String name;

	private final Opener opener;

	private final Transport transport;

	private final CompletableFuture<StreamingProcess> process = new CompletableFuture<>();

	private final AtomicBoolean begun = new AtomicBoolean();

	private final AtomicBoolean over = new AtomicBoolean();

	/** Created on first stdin data; confined to the event loop. */
	private volatile OrderedWriter stdinWriter;

	/** The last size asked for before the process was open; applied once it is. */
	private volatile int[] pendingSize;

	RemoteCommandSession(String name, Opener opener, Transport transport) {
		this.name = name;
		this.opener = opener;
		this.transport = transport;
	}

	/** All streams the client asked for are there: start the process. */
	void begin() {
		if (!this.begun.compareAndSet(false, true)) {
			return;
		}
		Thread.ofVirtual().name("stream-open-" + this.name).start(this::run);
	}

	private void run() {
		StreamingProcess opened;
		try {
			opened = this.opener.open();
		}
		catch (Exception ex) {
			log.info("streaming {}: {}", this.name, ex.getMessage());
			this.process.completeExceptionally(ex);
			if (this.over.compareAndSet(false, true)) {
				this.transport.finish(ExitReport.failed(ex.getMessage()));
			}
			return;
		}
		this.process.complete(opened);
		if (this.over.get()) {
			opened.close();
			return;
		}
		int[] size = this.pendingSize;
		if (size != null) {
			opened.resize(size[0], size[1]);
		}
		CompletableFuture<OptionalInt> done = opened.start(new StreamingProcess.Output() {

			@Override
			public void stdout(byte[] data, int offset, int length) throws IOException {
				RemoteCommandSession.this.transport.stdout(data, offset, length);
			}

			@Override
			public void stderr(byte[] data, int offset, int length) throws IOException {
				RemoteCommandSession.this.transport.stderr(data, offset, length);
			}

		});
		done.whenComplete((code, ex) -> {
			if (this.over.compareAndSet(false, true)) {
				this.transport.finish(ex == null ? ExitReport.exited(code) : ExitReport.failed(String.valueOf(ex)));
			}
			opened.close();
			if (this.stdinWriter != null) {
				this.stdinWriter.abort();
			}
		});
	}

	/** Client stdin; the caller keeps ownership of {@code data}. */
	void stdin(ByteBuf data) {
		writer().offer(data);
	}

	void stdinEnd() {
		writer().end();
	}

	private OrderedWriter writer() {
		if (this.stdinWriter == null) {
			this.stdinWriter = new OrderedWriter("stream-stdin-" + this.name, this.transport.channel(),
					Thread.ofPlatform().daemon().factory(), new OrderedWriter.Sink() {

						@Override
						public void write(byte[] data) throws IOException {
							StreamingProcess p = awaitProcess();
							if (p == null || !p.hasStdin()) {
								throw new IOException("no stdin");
							}
							p.writeStdin(data, 0, data.length);
						}

						@Override
						public void end() {
							StreamingProcess p = awaitProcess();
							if (p != null) {
								p.closeStdin();
							}
						}

					});
		}
		return this.stdinWriter;
	}

	private StreamingProcess awaitProcess() {
		try {
			return this.process.join();
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	void resize(int width, int height) {
		StreamingProcess p = this.process.getNow(null);
		if (p != null) {
			p.resize(width, height);
		}
		else {
			this.pendingSize = new int[] { width, height };
		}
	}

	/** The client has gone (or broke the protocol): end the process, free everything. */
	void abort() {
		this.over.set(true);
		if (this.stdinWriter != null) {
			this.stdinWriter.abort();
		}
		this.process.thenAccept(StreamingProcess::close);
	}

}
