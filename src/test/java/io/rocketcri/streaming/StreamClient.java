package io.rocketcri.streaming;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * A small streaming client for tests, speaking what kubelet and crictl speak: SPDY/3.1 after an
 * HTTP upgrade (client-opened streams with a {@code streamtype} header, as client-go opens them)
 * and WebSocket with channel-prefixed binary messages. Like spdystream it never sends
 * WINDOW_UPDATE, so a server that waits for one stalls here too.
 *
 * <p>Received bytes are counted per stream or channel and the first {@link #KEEP} bytes kept.
 */
final class StreamClient implements AutoCloseable {

	static final int KEEP = 1 << 20;

	private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

	/** What arrived on one stream or channel. */
	static final class Received {

		final ByteArrayOutputStream kept = new ByteArrayOutputStream();

		final AtomicLong count = new AtomicLong();

		final CompletableFuture<Void> fin = new CompletableFuture<>();

		synchronized void add(ByteBuf data) {
			int n = data.readableBytes();
			this.count.addAndGet(n);
			int room = KEEP - this.kept.size();
			if (room > 0) {
				byte[] bytes = new byte[Math.min(room, n)];
				data.getBytes(data.readerIndex(), bytes);
				this.kept.writeBytes(bytes);
			}
		}

		synchronized String text() {
			return this.kept.toString(StandardCharsets.UTF_8);
		}

	}

	private final Channel channel;

	private final boolean webSocket;

	private final String protocol;

	private final int httpStatus;

	private final Map<Integer, Received> received = new ConcurrentHashMap<>();

	private final Map<Integer, CompletableFuture<Void>> replies = new ConcurrentHashMap<>();

	private final AtomicInteger nextStreamId = new AtomicInteger(1);

	private final CompletableFuture<Void> closed = new CompletableFuture<>();

	private StreamClient(Channel channel, boolean webSocket, String protocol, int httpStatus) {
		this.channel = channel;
		this.webSocket = webSocket;
		this.protocol = protocol;
		this.httpStatus = httpStatus;
		if (channel != null) {
			channel.closeFuture().addListener((f) -> {
				this.closed.complete(null);
				this.received.values().forEach((r) -> r.fin.complete(null));
			});
		}
	}

	/** POST with {@code Upgrade: SPDY/3.1}; on 101 the connection speaks SPDY, else {@link #httpStatus()} tells. */
	static StreamClient spdy(String url, String... protocols) throws Exception {
		URI uri = URI.create(url);
		CompletableFuture<FullHttpResponse> response = new CompletableFuture<>();
		Channel channel = connect(uri, new ChannelInboundHandlerAdapter() {

			@Override
			public void channelRead(ChannelHandlerContext ctx, Object msg) {
				if (msg instanceof FullHttpResponse full && !response.isDone()) {
					response.complete(full.retainedDuplicate());
					ReferenceCountUtil.release(msg);
					return;
				}
				ctx.fireChannelRead(msg);
			}

		});
		FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri.getRawPath());
		request.headers()
			.set(HttpHeaderNames.HOST, uri.getHost() + ":" + uri.getPort())
			.set(HttpHeaderNames.CONNECTION, "Upgrade")
			.set(HttpHeaderNames.UPGRADE, "SPDY/3.1")
			.set(HttpHeaderNames.CONTENT_LENGTH, 0);
		for (String protocol : protocols) {
			request.headers().add("X-Stream-Protocol-Version", protocol);
		}
		channel.writeAndFlush(request);
		FullHttpResponse answer = response.get(30, TimeUnit.SECONDS);
		int status = answer.status().code();
		String chosen = answer.headers().get("X-Stream-Protocol-Version");
		answer.release();
		if (status != 101) {
			channel.close();
			return new StreamClient(null, false, null, status);
		}
		StreamClient client = new StreamClient(channel, false, chosen, status);
		channel.eventLoop().submit(() -> {
			channel.pipeline().remove("aggregator");
			channel.pipeline().remove("http");
			channel.pipeline().remove("first");
			channel.pipeline().addLast(new SpdyFrameCodec(SpdyVersion.SPDY_3_1), client.new SpdyReceiver());
		}).get(10, TimeUnit.SECONDS);
		return client;
	}

	/** A WebSocket upgrade (GET) offering {@code protocols}. */
	static StreamClient webSocket(String url, String... protocols) throws Exception {
		URI uri = URI.create(url.replaceFirst("^http", "ws"));
		WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri,
				WebSocketVersion.V13, String.join(",", protocols), false, HttpHeaders.EMPTY_HEADERS, 16 << 20);
		CompletableFuture<Object> done = new CompletableFuture<>();
		StreamClient[] holder = new StreamClient[1];
		List<Object> early = new java.util.ArrayList<>();
		Channel channel = connect(uri, new ChannelInboundHandlerAdapter() {

			@Override
			public void channelRead(ChannelHandlerContext ctx, Object msg) {
				if (!handshaker.isHandshakeComplete() && msg instanceof FullHttpResponse full) {
					try {
						handshaker.finishHandshake(ctx.channel(), full);
						done.complete(handshaker.actualSubprotocol());
					}
					catch (RuntimeException ex) {
						done.complete(full.status().code());
					}
					finally {
						full.release();
					}
					return;
				}
				if (holder[0] == null) {
					// the server may talk before the client object exists: keep it for the receiver
					early.add(msg);
					return;
				}
				ctx.fireChannelRead(msg);
			}

		});
		// Started on the channel's own event loop: the request is flushed, and the handshaker's
		// listener (which looks for the HTTP codec) has run, before the loop can read the answer
		// and finishHandshake removes that codec. Started from another thread, a fast server
		// could win that race.
		channel.eventLoop().submit(() -> handshaker.handshake(channel)).get(10, TimeUnit.SECONDS).sync();
		Object outcome = done.get(30, TimeUnit.SECONDS);
		if (outcome instanceof Integer status) {
			channel.close();
			return new StreamClient(null, true, null, status);
		}
		StreamClient client = new StreamClient(channel, true, (String) outcome, 101);
		channel.eventLoop().submit(() -> {
			channel.pipeline().addLast(client.new WebSocketReceiver());
			holder[0] = client;
			early.forEach((msg) -> channel.pipeline().context("first").fireChannelRead(msg));
			early.clear();
		}).get(10, TimeUnit.SECONDS);
		return client;
	}

	private static Channel connect(URI uri, ChannelInboundHandlerAdapter first) throws InterruptedException {
		return new Bootstrap().group(GROUP).channel(NioSocketChannel.class).handler(new ChannelInitializer<Channel>() {

			@Override
			protected void initChannel(Channel ch) {
				ch.pipeline()
					.addLast("http", new HttpClientCodec())
					.addLast("aggregator", new HttpObjectAggregator(1 << 20))
					.addLast("first", first);
			}

		}).connect(uri.getHost(), uri.getPort()).sync().channel();
	}

	/** WebSocket: from now on the messages carry SPDY (the {@code SPDY/3.1+...} tunnel protocols). */
	void upgradeTunnelToSpdy() throws Exception {
		this.channel.eventLoop().submit(() -> {
			this.channel.pipeline().remove(WebSocketReceiver.class);
			this.channel.pipeline().addLast(new WebSocketTunnel(), new SpdyFrameCodec(SpdyVersion.SPDY_3_1),
					new SpdyReceiver());
		}).get(10, TimeUnit.SECONDS);
	}

	int httpStatus() {
		return this.httpStatus;
	}

	String protocol() {
		return this.protocol;
	}

	/** SPDY: opens a stream with these headers and waits for the server's SYN_REPLY. */
	int openStream(Map<String, String> headers) throws Exception {
		int id = this.nextStreamId.getAndAdd(2);
		CompletableFuture<Void> reply = new CompletableFuture<>();
		this.replies.put(id, reply);
		this.received.put(id, new Received());
		DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
		headers.forEach((name, value) -> syn.headers().set(name.toLowerCase(), value));
		this.channel.writeAndFlush(syn);
		reply.get(30, TimeUnit.SECONDS);
		return id;
	}

	/** The remote command streams client-go opens for these options, error first; type → id. */
	Map<String, Integer> openRemoteCommandStreams(boolean stdin, boolean stdout, boolean stderr, boolean tty)
			throws Exception {
		Map<String, Integer> ids = new java.util.LinkedHashMap<>();
		ids.put("error", openStream(Map.of("streamType", "error")));
		if (stdin) {
			ids.put("stdin", openStream(Map.of("streamType", "stdin")));
		}
		if (stdout) {
			ids.put("stdout", openStream(Map.of("streamType", "stdout")));
		}
		if (stderr) {
			ids.put("stderr", openStream(Map.of("streamType", "stderr")));
		}
		if (tty) {
			ids.put("resize", openStream(Map.of("streamType", "resize")));
		}
		return ids;
	}

	/** SPDY DATA on {@code streamId}, FIN when {@code fin}. */
	void send(int streamId, byte[] data, boolean fin) {
		DefaultSpdyDataFrame frame = new DefaultSpdyDataFrame(streamId, Unpooled.wrappedBuffer(data));
		frame.setLast(fin);
		this.channel.writeAndFlush(frame);
	}

	/** WebSocket: one binary message on {@code channelId}. */
	void sendChannel(int channelId, byte[] data) {
		ByteBuf buf = Unpooled.buffer(data.length + 1).writeByte(channelId).writeBytes(data);
		this.channel.writeAndFlush(new BinaryWebSocketFrame(buf));
	}

	/** What arrived on a SPDY stream id or WebSocket channel. */
	Received received(int id) {
		return this.received.computeIfAbsent(id, (k) -> new Received());
	}

	/** Waits until the server has closed the connection. */
	void awaitClosed(Duration timeout) throws Exception {
		this.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	boolean isClosed() {
		return this.closed.isDone();
	}

	/** Drops the connection without a goodbye, as a client that vanishes. */
	@Override
	public void close() {
		if (this.channel != null) {
			this.channel.close().syncUninterruptibly();
		}
	}

	private final class SpdyReceiver extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			try {
				if (msg instanceof SpdySynReplyFrame reply) {
					CompletableFuture<Void> waiting = StreamClient.this.replies.remove(reply.streamId());
					if (waiting != null) {
						waiting.complete(null);
					}
				}
				else if (msg instanceof SpdyDataFrame data) {
					Received r = received(data.streamId());
					r.add(data.content());
					if (data.isLast()) {
						r.fin.complete(null);
					}
				}
			}
			finally {
				ReferenceCountUtil.release(msg);
			}
		}

	}

	private final class WebSocketReceiver extends ChannelInboundHandlerAdapter {

		private int current = -1;

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			try {
				if (msg instanceof BinaryWebSocketFrame frame) {
					ByteBuf content = frame.content();
					if (content.isReadable()) {
						this.current = content.readUnsignedByte();
						received(this.current).add(content);
					}
				}
				else if (msg instanceof ContinuationWebSocketFrame frame && this.current >= 0) {
					received(this.current).add(frame.content());
				}
				else if (msg instanceof CloseWebSocketFrame) {
					ctx.close();
				}
				if (msg instanceof WebSocketFrame frame && frame.isFinalFragment()) {
					// the channel byte of the next message comes with it
				}
			}
			finally {
				ReferenceCountUtil.release(msg);
			}
		}

	}

	static List<String> lines(String text) {
		return text.lines().toList();
	}

}
