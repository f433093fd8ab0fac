package io.rocketcri.streaming;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.spdy.SpdyHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port forwarding over SPDY ({@code portforward.k8s.io}), also when tunnelled in WebSocket. Each
 * forwarded connection is a pair of client streams with the same {@code requestID} header: an
 * {@code error} stream (the client half-closes it at once and reads it to the end; any text
 * there is a failure) and a {@code data} stream. Both name the {@code port}. Once the data stream
 * is there we dial the port in the pod's network namespace and copy both ways; when the pod's
 * side closes we FIN both streams, when the client FINs data we shut the socket's output.
 *
 * <p>Pair bookkeeping is confined to the event loop. Per connection, a virtual thread copies the
 * socket to the client (socket reads are virtual-thread friendly) and an {@link OrderedWriter}
 * writes the client's bytes to the socket.
 */
final class SpdyPortForward implements SpdyConnection.Streams {

	private static final Logger log = LoggerFactory.getLogger(SpdyPortForward.class);

	/** A dial in the pod's network namespace. */
	@FunctionalInterface
	interface Dialer {

		SocketChannel dial(int port) throws Exception;

	}

	/** One forwarded connection; fields are set on the event loop. */
	private final class Pair {

		final String requestId;

		int port;

		int errorId = -1;

		int dataId = -1;

		OrderedWriter toPod;

		volatile SocketChannel socket;

		boolean closed;

		Pair(String requestId) {
			this.requestId = requestId;
		}

	}

	private final Channel channel;

	private final WritabilityGate gate;

	private final Dialer dialer;

	private final String name;

	private final Map<String, Pair> byRequest = new HashMap<>();

	private final Map<Integer, Pair> byStream = new HashMap<>();

	SpdyPortForward(Channel channel, WritabilityGate gate, String name, Dialer dialer) {
		this.channel = channel;
		this.gate = gate;
		this.name = name;
		this.dialer = dialer;
	}

	@Override
	public void opened(int streamId, SpdyHeaders headers) {
		String type = SpdyConnection.header(headers, "streamType");
		String portText = SpdyConnection.header(headers, "port");
		String requestId = SpdyConnection.header(headers, "requestID");
		if (requestId == null) {
			// clients before requestID paired streams by port
			requestId = "port-" + portText;
		}
		int port;
		try {
			port = Integer.parseInt(portText == null ? "" : portText.strip());
			if (port < 1 || port > 65535) {
				throw new NumberFormatException();
			}
		}
		catch (NumberFormatException ex) {
			SpdyConnection.reset(this.channel, streamId);
			return;
		}
		Pair pair = this.byRequest.computeIfAbsent(requestId, Pair::new);
		pair.port = port;
		this.byStream.put(streamId, pair);
		if ("error".equals(type)) {
			pair.errorId = streamId;
		}
		else if ("data".equals(type)) {
			pair.dataId = streamId;
			pair.toPod = new OrderedWriter("portforward-in-" + port, this.channel, Thread.ofVirtual().factory(),
					new OrderedWriter.Sink() {

						@Override
						public void write(byte[] data) throws IOException {
							SocketChannel socket = awaitSocket(pair);
							if (socket == null) {
								throw new IOException("not connected");
							}
							ByteBuffer buffer = ByteBuffer.wrap(data);
							while (buffer.hasRemaining()) {
								socket.write(buffer);
							}
						}

						@Override
						public void end() {
							SocketChannel socket = pair.socket;
							if (socket != null && socket.isOpen()) {
								try {
									socket.shutdownOutput();
								}
								catch (IOException ex) {
									// already closed
								}
							}
						}

					});
			Thread.ofVirtual().name("portforward-" + port).start(() -> forward(pair));
		}
		else {
			SpdyConnection.reset(this.channel, streamId);
		}
	}

	/** Dials and copies the pod's side to the client until either end closes. */
	private void forward(Pair pair) {
		SocketChannel socket;
		try {
			socket = this.dialer.dial(pair.port);
		}
		catch (Exception ex) {
			String message = "forwarding port %d to pod %s: %s".formatted(pair.port, this.name, ex.getMessage());
			log.info("{}", message);
			synchronized (pair) {
				pair.notifyAll();
			}
			this.channel.eventLoop().execute(() -> finish(pair, message));
			return;
		}
		synchronized (pair) {
			pair.socket = socket;
			pair.notifyAll();
		}
		ByteBuffer buffer = ByteBuffer.allocate(32 * 1024);
		try {
			while (socket.read(buffer.clear()) >= 0) {
				buffer.flip();
				if (buffer.hasRemaining()) {
					this.gate.write(SpdyConnection.dataFrame(pair.dataId, buffer.array(), 0, buffer.remaining()));
				}
			}
		}
		catch (IOException ex) {
			// reset by the pod, closed by us, or the client has gone
		}
		this.channel.eventLoop().execute(() -> finish(pair, null));
	}

	private SocketChannel awaitSocket(Pair pair) {
		synchronized (pair) {
			while (pair.socket == null && !pair.closed) {
				try {
					pair.wait(100);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return null;
				}
				if (pair.socket == null && !this.channel.isActive()) {
					return null;
				}
			}
			return pair.socket;
		}
	}

	/** Event loop: FIN both streams (with the error text, if any) and free the pair. */
	private void finish(Pair pair, String error) {
		if (pair.closed) {
			return;
		}
		if (pair.dataId >= 0) {
			this.channel.write(SpdyConnection.fin(pair.dataId, new byte[0]));
		}
		if (pair.errorId >= 0) {
			byte[] text = error != null ? error.getBytes(StandardCharsets.UTF_8) : new byte[0];
			this.channel.write(SpdyConnection.fin(pair.errorId, text));
		}
		this.channel.flush();
		close(pair);
	}

	private void close(Pair pair) {
		synchronized (pair) {
			pair.closed = true;
			pair.notifyAll();
		}
		this.byRequest.remove(pair.requestId);
		this.byStream.remove(pair.errorId);
		this.byStream.remove(pair.dataId);
		if (pair.toPod != null) {
			pair.toPod.abort();
		}
		SocketChannel socket = pair.socket;
		if (socket != null) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// nothing left to do
			}
		}
	}

	@Override
	public void data(int streamId, ByteBuf data, boolean fin) {
		Pair pair = this.byStream.get(streamId);
		if (pair == null || streamId != pair.dataId || pair.toPod == null) {
			return;
		}
		pair.toPod.offer(data);
		if (fin) {
			pair.toPod.end();
		}
	}

	@Override
	public void reset(int streamId) {
		Pair pair = this.byStream.get(streamId);
		if (pair != null) {
			close(pair);
		}
	}

	@Override
	public void closed() {
		for (Pair pair : java.util.List.copyOf(this.byRequest.values())) {
			close(pair);
		}
	}

}
