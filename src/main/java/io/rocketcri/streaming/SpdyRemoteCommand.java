package io.rocketcri.streaming;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.spdy.SpdyHeaders;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Exec and attach over SPDY/3.1 ({@code channel.k8s.io} v1 to v4). The client opens one stream
 * per {@code streamtype}: {@code error} always, {@code stdin}, {@code stdout}, {@code stderr} as
 * asked, {@code resize} with a terminal (v3 and later). The process starts once all of them are
 * there; a client that has not opened them within the stream creation timeout is cut off.
 *
 * <p>At the end: FIN on stdout and stderr, the {@link ExitReport} on the error stream with FIN,
 * then the connection is closed (which is what tells Go clients that everything has arrived).
 *
 * <p>Stream bookkeeping is confined to the event loop; {@link #stdout}/{@link #stderr} come from
 * the engine's threads and only read the (by then fixed) stream ids.
 */
final class SpdyRemoteCommand implements SpdyConnection.Streams, RemoteCommandSession.Transport {

	private final Channel channel;

	private final WritabilityGate gate;

	private final String protocol;

	private final boolean tty;

	private final int expected;

	/** streamtype → stream id; written on the event loop before {@link RemoteCommandSession#begin}. */
	private final Map<String, Integer> streams = new HashMap<>();

	private final RemoteCommandSession session;

	private final ResizeDecoder resizes;

	private final ScheduledFuture<?> creationTimeout;

	private volatile int stdoutId = -1;

	private volatile int stderrId = -1;

	private volatile int errorId = -1;

	SpdyRemoteCommand(Channel channel, WritabilityGate gate, String protocol, boolean tty, boolean stdin,
			boolean stdout, boolean stderr, String name, RemoteCommandSession.Opener opener,
			Duration creationTimeout) {
		this.channel = channel;
		this.gate = gate;
		this.protocol = protocol;
		this.tty = tty;
		this.expected = 1 + (stdin ? 1 : 0) + (stdout ? 1 : 0) + (stderr && !tty ? 1 : 0)
				+ (tty && Protocols.hasResize(protocol) ? 1 : 0);
		this.session = new RemoteCommandSession(name, opener, this);
		this.resizes = new ResizeDecoder(this.session::resize);
		this.creationTimeout = channel.eventLoop().schedule(() -> {
			if (this.streams.size() < this.expected) {
				channel.close();
			}
		}, creationTimeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void opened(int streamId, SpdyHeaders headers) {
		String type = SpdyConnection.header(headers, "streamType");
		if (type == null || this.streams.containsKey(type)) {
			SpdyConnection.reset(this.channel, streamId);
			return;
		}
		this.streams.put(type, streamId);
		switch (type) {
			case "stdout" -> this.stdoutId = streamId;
			case "stderr" -> this.stderrId = streamId;
			case "error" -> this.errorId = streamId;
			default -> {
			}
		}
		if (this.streams.size() >= this.expected && this.errorId >= 0) {
			this.creationTimeout.cancel(false);
			this.session.begin();
		}
	}

	@Override
	public void data(int streamId, ByteBuf data, boolean fin) {
		Integer stdin = this.streams.get("stdin");
		Integer resize = this.streams.get("resize");
		if (stdin != null && stdin == streamId) {
			this.session.stdin(data);
			if (fin) {
				this.session.stdinEnd();
			}
		}
		else if (resize != null && resize == streamId) {
			this.resizes.feed(data);
		}
	}

	@Override
	public void reset(int streamId) {
		Integer stdin = this.streams.get("stdin");
		if (stdin != null && stdin == streamId) {
			this.session.stdinEnd();
		}
	}

	@Override
	public void closed() {
		this.creationTimeout.cancel(false);
		this.session.abort();
	}

	@Override
	public void stdout(byte[] data, int offset, int length) throws IOException {
		if (this.stdoutId >= 0) {
			this.gate.write(SpdyConnection.dataFrame(this.stdoutId, data, offset, length));
		}
	}

	@Override
	public void stderr(byte[] data, int offset, int length) throws IOException {
		if (this.stderrId >= 0) {
			this.gate.write(SpdyConnection.dataFrame(this.stderrId, data, offset, length));
		}
		else if (this.tty) {
			stdout(data, offset, length);
		}
	}

	@Override
	public void finish(ExitReport report) {
		this.channel.eventLoop().execute(() -> {
			if (this.stdoutId >= 0) {
				this.channel.write(SpdyConnection.fin(this.stdoutId, new byte[0]));
			}
			if (this.stderrId >= 0) {
				this.channel.write(SpdyConnection.fin(this.stderrId, new byte[0]));
			}
			this.channel.writeAndFlush(SpdyConnection.fin(this.errorId, report.forProtocol(this.protocol)))
				.addListener(ChannelFutureListener.CLOSE);
		});
	}

	@Override
	public Channel channel() {
		return this.channel;
	}

}
