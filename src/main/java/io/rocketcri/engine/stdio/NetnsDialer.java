package io.rocketcri.engine.stdio;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Connects to a TCP port on localhost inside a pod's network namespace, in process.
 *
 * <p>A socket belongs to the network namespace its creating thread was in when it called
 * {@code socket(2)}; connect and everything after use that namespace whatever thread calls
 * them. So a fresh platform thread enters the pod's namespace ({@code setns}, allowed in a
 * multi-threaded process for network namespaces), creates the two sockets (IPv4 and IPv6),
 * goes back to the host's namespace and ends: no pooled thread ever carries a foreign
 * namespace. The connect itself then happens on the caller's thread.
 */
public final class NetnsDialer {

	private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

	private NetnsDialer() {
	}

	/**
	 * A blocking channel connected to {@code localhost:port} in {@code netns} (the host's
	 * namespace when null): 127.0.0.1 first, then ::1, as CRI-O and containerd do.
	 */
	public static SocketChannel dial(Path netns, int port) throws IOException {
		SocketChannel[] sockets = netns == null
				? new SocketChannel[] { SocketChannel.open(StandardProtocolFamily.INET),
						SocketChannel.open(StandardProtocolFamily.INET6) }
				: socketsIn(netns);
		IOException failure = null;
		InetAddress[] targets = { loopback4(), loopback6() };
		SocketChannel connected = null;
		for (int i = 0; i < sockets.length; i++) {
			if (connected != null) {
				sockets[i].close();
				continue;
			}
			try {
				sockets[i].socket().connect(new InetSocketAddress(targets[i], port), CONNECT_TIMEOUT_MILLIS);
				connected = sockets[i];
			}
			catch (IOException ex) {
				sockets[i].close();
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (connected == null) {
			throw new IOException("connecting to localhost:" + port + (netns != null ? " in " + netns : "") + ": "
					+ failure.getMessage(), failure);
		}
		return connected;
	}

	private static SocketChannel[] socketsIn(Path netns) throws IOException {
		AtomicReference<Object> result = new AtomicReference<>();
		Thread thread = Thread.ofPlatform().name("netns-dial").start(() -> {
			int target = -1;
			int home = -1;
			try {
				home = NativeIo.openReadOnly(Path.of("/proc/thread-self/ns/net"));
				target = NativeIo.openReadOnly(netns);
				NativeIo.setns(target, NativeIo.CLONE_NEWNET, netns);
				SocketChannel v4 = null;
				try {
					v4 = SocketChannel.open(StandardProtocolFamily.INET);
					SocketChannel v6 = SocketChannel.open(StandardProtocolFamily.INET6);
					result.set(new SocketChannel[] { v4, v6 });
				}
				catch (IOException ex) {
					if (v4 != null) {
						v4.close();
					}
					throw ex;
				}
				finally {
					// the thread ends right after; going home only keeps it tidy
					NativeIo.setns(home, NativeIo.CLONE_NEWNET, "/proc/thread-self/ns/net");
				}
			}
			catch (IOException | RuntimeException ex) {
				result.compareAndSet(null, ex);
			}
			finally {
				NativeIo.close(target);
				NativeIo.close(home);
			}
		});
		try {
			thread.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("entering " + netns + ": interrupted", ex);
		}
		Object value = result.get();
		if (value instanceof SocketChannel[] sockets) {
			return sockets;
		}
		if (value instanceof IOException io) {
			throw new IOException("entering network namespace " + netns + ": " + io.getMessage(), io);
		}
		throw new IOException("entering network namespace " + netns + ": " + value);
	}

	private static InetAddress loopback4() {
		try {
			return Inet4Address.getByAddress("localhost", new byte[] { 127, 0, 0, 1 });
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static InetAddress loopback6() {
		try {
			return Inet6Address.getByAddress("localhost", new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 });
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
