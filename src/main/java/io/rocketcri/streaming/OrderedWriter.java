package io.rocketcri.streaming;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;

/**
 * Carries bytes from the event loop (which must never block) to something whose writes block:
 * a process's stdin, a pty, a socket. One thread writes in order. When more than
 * {@link #HIGH_WATER} bytes wait, the connection stops reading (TCP then slows the client down)
 * until the queue has drained below {@link #LOW_WATER}.
 *
 * <p>Thread confinement: {@link #offer}, {@link #end} run on the event loop; {@code sink} is
 * called only by the writer thread.
 */
final class OrderedWriter {

	static final long HIGH_WATER = 1 << 20;

	static final long LOW_WATER = 256 << 10;

	/** Where the bytes go; called on the writer thread only. */
	interface Sink {

		void write(byte[] data) throws IOException;

		/** End of data: close the stdin, shut the socket's output. */
		void end();

	}

	private static final byte[] END = new byte[0];

	private final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();

	private final AtomicLong pending = new AtomicLong();

	private final Channel channel;

	private volatile boolean aborted;

	private volatile boolean ended;

	OrderedWriter(String name, Channel channel, ThreadFactory threads, Sink sink) {
		this.channel = channel;
		Thread thread = threads.newThread(() -> run(sink));
		thread.setName(name);
		thread.start();
	}

	/** Queues a copy of the readable bytes of {@code data} (the caller keeps ownership). */
	void offer(ByteBuf data) {
		if (this.ended || this.aborted || !data.isReadable()) {
			return;
		}
		byte[] bytes = ByteBufUtil.getBytes(data);
		if (this.pending.addAndGet(bytes.length) > HIGH_WATER) {
			this.channel.config().setAutoRead(false);
		}
		this.queue.add(bytes);
	}

	/** No more data: the sink's {@code end} runs after what is queued. */
	void end() {
		if (!this.ended) {
			this.ended = true;
			this.queue.add(END);
		}
	}

	/** Drops what is queued and stops (the session is over). */
	void abort() {
		this.aborted = true;
		this.ended = true;
		this.queue.add(END);
	}

	private void run(Sink sink) {
		boolean failed = false;
		try {
			while (true) {
				byte[] next = this.queue.take();
				if (next == END) {
					break;
				}
				if (!failed && !this.aborted) {
					try {
						sink.write(next);
					}
					catch (IOException ex) {
						// the reader went away (process exited, socket reset): drop the rest
						failed = true;
					}
				}
				if (this.pending.addAndGet(-next.length) < LOW_WATER && !this.channel.config().isAutoRead()) {
					this.channel.config().setAutoRead(true);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			if (!this.channel.config().isAutoRead()) {
				this.channel.config().setAutoRead(true);
			}
			sink.end();
		}
	}

}
