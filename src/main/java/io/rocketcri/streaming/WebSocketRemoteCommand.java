package io.rocketcri.streaming;

import java.io.IOException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * Exec and attach over WebSocket ({@code v5.channel.k8s.io}, {@code v4.channel.k8s.io},
 * {@code channel.k8s.io}): every binary message starts with its channel byte (0 stdin, 1 stdout,
 * 2 stderr, 3 error, 4 resize); v5 adds channel 255, whose message {@code [255, c]} closes the
 * client's channel {@code c} (for stdin: end-of-file). A message may arrive in fragments; the
 * channel byte is only in the first.
 *
 * <p>The process starts as soon as the handshake is done; an empty message on the first output
 * channel tells the client so. At the end the report goes to channel 3 and a normal close frame
 * (1000) follows, which Go clients read as end-of-file on every channel.
 */
final class WebSocketRemoteCommand extends ChannelInboundHandlerAdapter implements RemoteCommandSession.Transport {

	static final byte STDIN = 0;

	static final byte STDOUT = 1;

	static final byte STDERR = 2;

	static final byte ERROR = 3;

	static final byte RESIZE = 4;

	static final byte CLOSE = (byte) 255;

	private final Channel channel;

	private final WritabilityGate gate;

	private final String protocol;

	private final boolean stdout;

	private final boolean stderr;

	private final RemoteCommandSession session;

	private final ResizeDecoder resizes;

	/** Channel of the message being received, for its continuation frames; event loop only. */
	private int currentChannel = -1;

	WebSocketRemoteCommand(Channel channel, WritabilityGate gate, String protocol, boolean stdout, boolean stderr,
			String name, RemoteCommandSession.Opener opener) {
		this.channel = channel;
		this.gate = gate;
		this.protocol = protocol;
		this.stdout = stdout;
		this.stderr = stderr;
		this.session = new RemoteCommandSession(name, opener, this);
		this.resizes = new ResizeDecoder(this.session::resize);
	}

	/** Called once the handler is in the pipeline after the handshake. */
	void begin() {
		byte first = this.stdout ? STDOUT : this.stderr ? STDERR : ERROR;
		this.channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] { first })));
		this.session.begin();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		try {
			switch (msg) {
				case BinaryWebSocketFrame frame -> {
					ByteBuf content = frame.content();
					if (!content.isReadable()) {
						this.currentChannel = -1;
						return;
					}
					this.currentChannel = content.readUnsignedByte();
					received(this.currentChannel, content);
					if (frame.isFinalFragment()) {
						this.currentChannel = -1;
					}
				}
				case ContinuationWebSocketFrame frame -> {
					if (this.currentChannel >= 0) {
						received(this.currentChannel, frame.content());
					}
					if (frame.isFinalFragment()) {
						this.currentChannel = -1;
					}
				}
				case PingWebSocketFrame ping -> ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
				case CloseWebSocketFrame close -> {
					ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
						.addListener(ChannelFutureListener.CLOSE);
				}
				default -> {
					// text frames (base64 protocols, not offered), pongs
				}
			}
		}
		finally {
			ReferenceCountUtil.release(msg);
		}
	}

	private void received(int channelId, ByteBuf data) {
		switch (channelId) {
			case STDIN -> this.session.stdin(data);
			case RESIZE -> this.resizes.feed(data);
			case CLOSE & 0xff -> {
				if (Protocols.V5.equals(this.protocol) && data.isReadable() && data.readUnsignedByte() == STDIN) {
					this.session.stdinEnd();
				}
			}
			default -> {
			}
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		this.session.abort();
		ctx.fireChannelInactive();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		ctx.close();
	}

	@Override
	public void stdout(byte[] data, int offset, int length) throws IOException {
		this.gate.write(frame(STDOUT, data, offset, length));
	}

	@Override
	public void stderr(byte[] data, int offset, int length) throws IOException {
		this.gate.write(frame(this.stderr ? STDERR : STDOUT, data, offset, length));
	}

	@Override
	public void finish(ExitReport report) {
		byte[] status = report.forProtocol(this.protocol);
		if (status.length > 0) {
			this.channel.write(frame(ERROR, status, 0, status.length));
		}
		this.channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
			.addListener(ChannelFutureListener.CLOSE);
	}

	@Override
	public Channel channel() {
		return this.channel;
	}

	private static BinaryWebSocketFrame frame(byte channelId, byte[] data, int offset, int length) {
		ByteBuf buf = Unpooled.buffer(length + 1);
		buf.writeByte(channelId);
		buf.writeBytes(data, offset, length);
		return new BinaryWebSocketFrame(buf);
	}

}
