package io.rocketcri.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * A byte stream inside WebSocket binary messages ({@code SPDY/3.1+portforward.k8s.io}, as
 * client-go's port-forward over WebSocket uses): the payloads of binary and continuation
 * frames go up the pipeline as plain bytes (to the SPDY codec), bytes written down go out as
 * binary messages. Pings are answered, a close frame is returned and ends the connection.
 */
final class WebSocketTunnel extends ChannelDuplexHandler {

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
			ctx.fireChannelRead(((WebSocketFrame) msg).content());
			return;
		}
		try {
			if (msg instanceof PingWebSocketFrame ping) {
				ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
			}
			else if (msg instanceof CloseWebSocketFrame) {
				ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
					.addListener(ChannelFutureListener.CLOSE);
			}
		}
		finally {
			ReferenceCountUtil.release(msg);
		}
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof ByteBuf bytes) {
			ctx.write(new BinaryWebSocketFrame(bytes), promise);
		}
		else {
			ctx.write(msg, promise);
		}
	}

}
