package io.rocketcri.streaming;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.rocketcri.engine.StreamingProcess;

/**
 * The one HTTP request of a streaming connection: {@code /exec/<token>}, {@code /attach/<token>}
 * or {@code /portforward/<token>}. The token is consumed (a second use, a wrong kind or an
 * expired one is 404), then the connection is upgraded to SPDY/3.1 ({@code Upgrade: SPDY/3.1},
 * subprotocol from {@code X-Stream-Protocol-Version}) or to WebSocket (subprotocol from
 * {@code Sec-WebSocket-Protocol}) and handed to the session handler; HTTP is done with then.
 */
final class StreamingHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

	static final String HTTP_CODEC = "http-codec";

	static final String HTTP_AGGREGATOR = "http-aggregator";

	private static final int MAX_WEBSOCKET_FRAME = 16 << 20;

	private final TokenCache tokens;

	private final StreamTargets targets;

	private final Duration streamCreationTimeout;

	StreamingHttpHandler(TokenCache tokens, StreamTargets targets, Duration streamCreationTimeout) {
		this.tokens = tokens;
		this.targets = targets;
		this.streamCreationTimeout = streamCreationTimeout;
	}

	@Override
	protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
		String path = request.uri();
		int query = path.indexOf('?');
		if (query >= 0) {
			path = path.substring(0, query);
		}
		String[] parts = path.split("/");
		if (parts.length != 3 || !parts[0].isEmpty()) {
			respond(ctx, HttpResponseStatus.NOT_FOUND, "not found\n", List.of());
			return;
		}
		Optional<StreamRequest> taken = this.tokens.take(parts[2]);
		if (taken.isEmpty() || !taken.get().kind().equals(parts[1])) {
			respond(ctx, HttpResponseStatus.NOT_FOUND, "unknown, used or expired streaming token\n", List.of());
			return;
		}
		StreamRequest stream = taken.get();
		String upgrade = request.headers().get(HttpHeaderNames.UPGRADE, "").toLowerCase(Locale.ROOT);
		if (upgrade.equals("websocket")) {
			upgradeToWebSocket(ctx, request, stream);
		}
		else if (upgrade.startsWith("spdy/3.1")) {
			upgradeToSpdy(ctx, request, stream);
		}
		else {
			respond(ctx, HttpResponseStatus.BAD_REQUEST, "streaming needs Upgrade: SPDY/3.1 or websocket\n", List.of());
		}
	}

	private void upgradeToSpdy(ChannelHandlerContext ctx, FullHttpRequest request, StreamRequest stream) {
		List<String> offered = request.headers().getAll(Protocols.HEADER_PROTOCOL_VERSION);
		List<String> ours = stream instanceof StreamRequest.PortForward ? List.of(Protocols.PORT_FORWARD)
				: Protocols.SPDY_REMOTE_COMMAND;
		if (offered.isEmpty()) {
			respond(ctx, HttpResponseStatus.BAD_REQUEST, "missing " + Protocols.HEADER_PROTOCOL_VERSION + " header\n",
					List.of());
			return;
		}
		String protocol = Protocols.negotiate(offered, ours);
		if (protocol == null) {
			respond(ctx, HttpResponseStatus.FORBIDDEN, "no common stream protocol; offered " + offered + "\n", ours);
			return;
		}
		FullHttpResponse switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
				HttpResponseStatus.SWITCHING_PROTOCOLS);
		switching.headers()
			.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
			.set(HttpHeaderNames.UPGRADE, "SPDY/3.1")
			.set(Protocols.HEADER_PROTOCOL_VERSION, protocol);
		// encoded right here by the HTTP codec, which is removed next
		ctx.writeAndFlush(switching);
		ChannelPipeline pipeline = ctx.pipeline();
		WritabilityGate gate = new WritabilityGate();
		pipeline.addLast(WritabilityGate.NAME, gate);
		pipeline.addLast("spdy-codec", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
		pipeline.addLast("spdy-session", new SpdyConnection(streams(ctx.channel(), gate, stream, protocol)));
		pipeline.remove(HTTP_AGGREGATOR);
		pipeline.remove(HTTP_CODEC);
		pipeline.remove(this);
	}

	private void upgradeToWebSocket(ChannelHandlerContext ctx, FullHttpRequest request, StreamRequest stream) {
		String ours = stream instanceof StreamRequest.PortForward
				? Protocols.SPDY_TUNNEL_PREFIX + Protocols.PORT_FORWARD
				: String.join(",", Protocols.WEBSOCKET_REMOTE_COMMAND);
		WebSocketServerHandshakerFactory factory = new WebSocketServerHandshakerFactory(
				"ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri(), ours, false,
				MAX_WEBSOCKET_FRAME);
		WebSocketServerHandshaker handshaker = factory.newHandshaker(request);
		if (handshaker == null) {
			WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
			return;
		}
		Channel channel = ctx.channel();
		ChannelPipeline pipeline = ctx.pipeline();
		handshaker.handshake(channel, request).addListener((ChannelFutureListener) (future) -> {
			if (!future.isSuccess()) {
				channel.close();
				return;
			}
			String protocol = handshaker.selectedSubprotocol();
			WritabilityGate gate = new WritabilityGate();
			pipeline.addLast(WritabilityGate.NAME, gate);
			if (stream instanceof StreamRequest.PortForward forward) {
				if (protocol == null) {
					channel.close();
					return;
				}
				pipeline.addLast("websocket-tunnel", new WebSocketTunnel());
				pipeline.addLast("spdy-codec", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
				pipeline.addLast("spdy-session", new SpdyConnection(portForward(channel, gate, forward)));
			}
			else {
				// no subprotocol in common: client-go then falls back to the first version
				String chosen = protocol != null ? protocol : Protocols.V1;
				WebSocketRemoteCommand command = remoteCommandOverWebSocket(channel, gate, stream, chosen);
				pipeline.addLast("websocket-session", command);
				command.begin();
			}
			if (pipeline.get(StreamingHttpHandler.class) != null) {
				pipeline.remove(StreamingHttpHandler.this);
			}
		});
	}

	private SpdyConnection.Streams streams(Channel channel, WritabilityGate gate, StreamRequest stream,
			String protocol) {
		return switch (stream) {
			case StreamRequest.PortForward forward -> portForward(channel, gate, forward);
			case StreamRequest.Exec exec -> new SpdyRemoteCommand(channel, gate, protocol, exec.tty(), exec.stdin(),
					exec.stdout(), exec.stderr(), "exec-" + shortId(exec.containerId()), opener(exec),
					this.streamCreationTimeout);
			case StreamRequest.Attach attach -> new SpdyRemoteCommand(channel, gate, protocol, attach.tty(),
					attach.stdin(), attach.stdout(), attach.stderr(), "attach-" + shortId(attach.containerId()),
					opener(attach), this.streamCreationTimeout);
		};
	}

	private WebSocketRemoteCommand remoteCommandOverWebSocket(Channel channel, WritabilityGate gate,
			StreamRequest stream, String protocol) {
		return switch (stream) {
			case StreamRequest.Exec exec -> new WebSocketRemoteCommand(channel, gate, protocol, exec.stdout(),
					exec.stderr(), "exec-" + shortId(exec.containerId()), opener(exec));
			case StreamRequest.Attach attach -> new WebSocketRemoteCommand(channel, gate, protocol, attach.stdout(),
					attach.stderr(), "attach-" + shortId(attach.containerId()), opener(attach));
			case StreamRequest.PortForward forward -> throw new IllegalStateException("not a remote command");
		};
	}

	private SpdyPortForward portForward(Channel channel, WritabilityGate gate, StreamRequest.PortForward forward) {
		return new SpdyPortForward(channel, gate, forward.podId(), (port) -> this.targets.dial(forward, port));
	}

	private RemoteCommandSession.Opener opener(StreamRequest stream) {
		return () -> {
			StreamingProcess process = switch (stream) {
				case StreamRequest.Exec exec -> this.targets.exec(exec);
				case StreamRequest.Attach attach -> this.targets.attach(attach);
				case StreamRequest.PortForward forward -> throw new IllegalStateException("not a remote command");
			};
			return process;
		};
	}

	private static String shortId(String id) {
		return id.substring(0, Math.min(12, id.length()));
	}

	private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String text,
			List<String> acceptedProtocols) {
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
				Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
		response.headers()
			.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
			.setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
			.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
		for (String protocol : acceptedProtocols) {
			response.headers().add(Protocols.HEADER_ACCEPTED_PROTOCOL_VERSIONS, protocol);
		}
		ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		ctx.close();
	}

}
