package io.rocketcri.streaming;

import java.io.IOException;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Back-pressure for the threads that feed a connection (process output, sockets): a write
 * returns once the connection's outbound buffer is below its high-water mark again, so a slow
 * client slows the process down instead of filling the heap. Nothing here depends on the client
 * sending SPDY WINDOW_UPDATE frames (Go's spdystream never does); TCP is the flow control.
 *
 * <p>Sits in the pipeline to hear about writability changes; writers block on its monitor.
 */
final class WritabilityGate extends ChannelInboundHandlerAdapter {

	static final String NAME = "writability-gate";

	private final Object lock = new Object();

	/** Set when the handler is added, read by writer threads. */
	private volatile Channel channel;

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.channel = ctx.channel();
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		wake();
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		wake();
		ctx.fireChannelInactive();
	}

	private void wake() {
		synchronized (this.lock) {
			this.lock.notifyAll();
		}
	}

	/** Writes and flushes {@code message}, then waits while the connection is not writable. */
	void write(Object message) throws IOException {
		Channel ch = this.channel;
		if (ch == null || !ch.isActive()) {
			ReferenceCountUtil.release(message);
			throw new IOException("the streaming client has gone");
		}
		ch.writeAndFlush(message, ch.voidPromise());
		synchronized (this.lock) {
			while (ch.isActive() && !ch.isWritable()) {
				try {
					// timed: a wake-up between our check and the wait must not be lost for good
					this.lock.wait(50);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IOException("interrupted while the streaming client was slow", ex);
				}
			}
		}
		if (!ch.isActive()) {
			throw new IOException("the streaming client has gone");
		}
	}

}
