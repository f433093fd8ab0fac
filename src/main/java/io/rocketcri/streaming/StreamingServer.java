package io.rocketcri.streaming;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The HTTP server behind the streaming URLs (Netty, plain HTTP as kubelet and crictl expect).
 * Started with the application context and stopped with it; open sessions are cut when it stops
 * (their processes are killed, attaches detached).
 *
 * <p>Outbound buffers have a high-water mark of {@link #HIGH_WATER} bytes per connection: above
 * it, the threads feeding the connection wait ({@link WritabilityGate}).
 */
class StreamingServer implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(StreamingServer.class);

	static final int HIGH_WATER = 1 << 20;

	static final int LOW_WATER = 256 << 10;

	private final StreamingProperties properties;

	private final TokenCache tokens;

	private final StreamTargets targets;

	/** Written by start/stop (Spring calls them from one thread), read by any. */
	private volatile Channel server;

	private volatile EventLoopGroup group;

	private volatile String baseUrl;

	StreamingServer(StreamingProperties properties, TokenCache tokens, StreamTargets targets) {
		this.properties = properties;
		this.tokens = tokens;
		this.targets = targets;
	}

	@Override
	public void start() {
		EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("streaming", true),
				NioIoHandler.newFactory());
		try {
			InetAddress address = InetAddress.getByName(this.properties.address());
			Channel bound = new ServerBootstrap().group(loops)
				.channel(NioServerSocketChannel.class)
				.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW_WATER, HIGH_WATER))
				.childOption(ChannelOption.TCP_NODELAY, true)
				.childHandler(new ChannelInitializer<SocketChannel>() {

					@Override
					protected void initChannel(SocketChannel ch) {
						ch.pipeline()
							.addLast(StreamingHttpHandler.HTTP_CODEC, new HttpServerCodec())
							.addLast(StreamingHttpHandler.HTTP_AGGREGATOR, new HttpObjectAggregator(64 * 1024))
							.addLast("streaming-http", new StreamingHttpHandler(StreamingServer.this.tokens,
									StreamingServer.this.targets, StreamingServer.this.properties.streamCreationTimeout()));
					}

				})
				.bind(new InetSocketAddress(address, this.properties.port()))
				.syncUninterruptibly()
				.channel();
			int port = ((InetSocketAddress) bound.localAddress()).getPort();
			this.baseUrl = "http://" + urlHost(address) + ":" + port;
			this.group = loops;
			this.server = bound;
			log.info("streaming server listening on {}", this.baseUrl);
		}
		catch (UnknownHostException | RuntimeException ex) {
			loops.shutdownGracefully();
			throw new IllegalStateException("starting the streaming server on " + this.properties.address() + ":"
					+ this.properties.port() + ": " + ex.getMessage(), ex);
		}
	}

	/** The host part of URLs: a wildcard bind address is not one a client can connect to. */
	static String urlHost(InetAddress address) {
		if (address.isAnyLocalAddress()) {
			return "127.0.0.1";
		}
		String host = address.getHostAddress();
		return address instanceof Inet6Address ? "[" + host + "]" : host;
	}

	@Override
	public void stop() {
		Channel bound = this.server;
		EventLoopGroup loops = this.group;
		this.server = null;
		this.group = null;
		if (bound != null) {
			bound.close().syncUninterruptibly();
		}
		if (loops != null) {
			loops.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
		}
	}

	@Override
	public boolean isRunning() {
		return this.server != null;
	}

	/** {@code http://<address>:<port>}, once started. */
	String baseUrl() {
		String url = this.baseUrl;
		if (url == null) {
			throw new io.rocketcri.failure.Unavailable("the streaming server is not running");
		}
		return url;
	}

}
