package io.rocketcri.testsupport;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.rocketcri.cri.api.ImageServiceGrpc;
import io.rocketcri.cri.api.RuntimeServiceGrpc;

/** A kubelet-like client on the real CRI Unix socket. */
public final class CriSocketClient implements AutoCloseable {

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());

	private final ManagedChannel channel;

	public CriSocketClient(Path socket) {
		this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
			.channelType(EpollDomainSocketChannel.class)
			.eventLoopGroup(group)
			.usePlaintext()
			.maxInboundMessageSize(16 << 20)
			.build();
	}

	public RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
		return RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.MINUTES);
	}

	public ImageServiceGrpc.ImageServiceBlockingStub images() {
		return ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.MINUTES);
	}

	/** The channel, for calls the stubs do not make (a benchmark reading answers as bytes). */
	public ManagedChannel channel() {
		return channel;
	}

	@Override
	public void close() throws InterruptedException {
		channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
	}

}
