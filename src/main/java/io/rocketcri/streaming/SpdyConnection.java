package io.rocketcri.streaming;

import java.util.Locale;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyHeaders;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Our side of a SPDY/3.1 session as Kubernetes clients use it (Go's moby/spdystream): the client
 * opens every stream (SYN_STREAM with a {@code streamtype} header) and waits for our SYN_REPLY
 * before it opens the next; DATA flows both ways, FIN half-closes, RST_STREAM drops a stream,
 * PINGs are echoed, GOAWAY ends the session.
 *
 * <p>Deliberately no flow control: spdystream never sends WINDOW_UPDATE, so a sender that kept
 * SPDY's 64 KiB window (Netty's {@code SpdySessionHandler}) would stall for good after 64 KiB.
 * WINDOW_UPDATE and SETTINGS from a client are ignored; back-pressure is TCP's, through
 * {@link WritabilityGate}.
 *
 * <p>Runs on the channel's event loop; the {@link Streams} callbacks too.
 */
final class SpdyConnection extends ChannelInboundHandlerAdapter {

	/** What the session is for (remote command, port forward). Called on the event loop. */
	interface Streams {

		void opened(int streamId, SpdyHeaders headers);

		/** {@code data} is released after the call. */
		void data(int streamId, ByteBuf data, boolean fin);

		void reset(int streamId);

		/** The connection is gone; free everything. */
		void closed();

	}

	private final Streams streams;

	SpdyConnection(Streams streams) {
		this.streams = streams;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		try {
			switch (msg) {
				case SpdySynStreamFrame syn -> {
					if (syn.isInvalid()) {
						ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(syn.streamId(), SpdyStreamStatus.PROTOCOL_ERROR));
						return;
					}
					ctx.writeAndFlush(reply(syn.streamId()));
					this.streams.opened(syn.streamId(), syn.headers());
					if (syn.isLast()) {
						this.streams.data(syn.streamId(), Unpooled.EMPTY_BUFFER, true);
					}
				}
				case SpdyDataFrame data -> this.streams.data(data.streamId(), data.content(), data.isLast());
				case SpdyRstStreamFrame rst -> this.streams.reset(rst.streamId());
				case SpdyPingFrame ping -> {
					// pings the client started (odd ids) are echoed; ours would be even, we send none
					if ((ping.id() & 1) == 1) {
						ctx.writeAndFlush(new DefaultSpdyPingFrame(ping.id()));
					}
				}
				case SpdyGoAwayFrame goAway -> ctx.close();
				default -> {
					// SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do for us
				}
			}
		}
		finally {
			ReferenceCountUtil.release(msg);
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		this.streams.closed();
		ctx.fireChannelInactive();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		ctx.close();
	}

	/** A header's value, whatever case the client wrote its name in (spdystream lower-cases them). */
	static String header(SpdyHeaders headers, String name) {
		String value = headers.getAsString(name.toLowerCase(Locale.ROOT));
		return value != null ? value : headers.getAsString(name);
	}

	/**
	 * A SYN_REPLY. It carries one header because Netty writes no header block at all for an
	 * empty header set, while SPDY/3 (and spdystream, which then waits forever) expects a
	 * compressed block even when it counts zero headers.
	 */
	static DefaultSpdySynReplyFrame reply(int streamId) {
		DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(streamId);
		reply.headers().set("x-rocket-cri-stream", Integer.toString(streamId));
		return reply;
	}

	static DefaultSpdyDataFrame dataFrame(int streamId, byte[] data, int offset, int length) {
		return new DefaultSpdyDataFrame(streamId, Unpooled.copiedBuffer(data, offset, length));
	}

	static DefaultSpdyDataFrame fin(int streamId, byte[] data) {
		DefaultSpdyDataFrame frame = new DefaultSpdyDataFrame(streamId, Unpooled.wrappedBuffer(data));
		frame.setLast(true);
		return frame;
	}

	static void reset(Channel channel, int streamId) {
		channel.writeAndFlush(new DefaultSpdyRstStreamFrame(streamId, SpdyStreamStatus.CANCEL));
	}

}
