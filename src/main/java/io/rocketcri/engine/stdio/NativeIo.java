package io.rocketcri.engine.stdio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.rocketcri.engine.HostOsException;
import io.rocketcri.engine.NativeCalls;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The descriptor-level system calls streaming needs and the JDK lacks: pseudo-terminals,
 * {@code AF_UNIX SOCK_SEQPACKET} sockets (conmon's attach socket) and {@code setns}. 64-bit Linux,
 * glibc, through the FFM API.
 *
 * <p>Threads: every call is a plain blocking system call. A downcall pins a virtual thread to its
 * carrier for as long as it blocks, so {@link #read} and {@link #recv} (which wait for the other
 * side) must run on platform threads. Descriptors are plain ints: whoever closes one must make
 * sure no other thread still uses it (the kernel reuses numbers at once).
 */
public final class NativeIo {

	private static final Linker LINKER = Linker.nativeLinker();

	private static final SymbolLookup LIBC = LINKER.defaultLookup();

	private static final StructLayout CAPTURE_LAYOUT = NativeCalls.CAPTURE_LAYOUT;

	private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

	static final int O_RDONLY = 0;

	static final int O_RDWR = 02;

	static final int O_NOCTTY = 0400;

	static final int O_CLOEXEC = 02000000;

	static final int O_PATH = 010000000;

	static final int AF_UNIX = 1;

	static final int SOCK_SEQPACKET = 5;

	static final int SOCK_CLOEXEC = 02000000;

	static final int MSG_NOSIGNAL = 0x4000;

	/** {@link #shutdown} how: no more sends (the peer reads end-of-file). */
	public static final int SHUT_WR = 1;

	/** {@link #shutdown} how: both directions; wakes a thread blocked in {@link #recv}. */
	public static final int SHUT_RDWR = 2;

	static final long TIOCSWINSZ = 0x5414;

	static final int TCSANOW = 0;

	/** {@code setns} nstype for a network namespace. */
	public static final int CLONE_NEWNET = 0x40000000;

	/** Linux {@code sun_path} size: the longest socket path is one byte shorter. */
	static final int SUN_PATH = 108;

	/** glibc's struct termios is 60 bytes; a little more does no harm. */
	static final int TERMIOS_SIZE = 64;

	private static final MethodHandle OPEN = handle("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

	private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

	private static final MethodHandle READ = handle("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

	private static final MethodHandle WRITE = handle("write",
			FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

	private static final MethodHandle POSIX_OPENPT = handle("posix_openpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

	private static final MethodHandle GRANTPT = handle("grantpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

	private static final MethodHandle UNLOCKPT = handle("unlockpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

	private static final MethodHandle PTSNAME_R = handle("ptsname_r",
			FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));

	/** ioctl is variadic: the third argument (a pointer here) is the first variadic one. */
	private static final MethodHandle IOCTL_PTR = handle("ioctl",
			FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));

	private static final MethodHandle TCGETATTR = handle("tcgetattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

	private static final MethodHandle TCSETATTR = handle("tcsetattr",
			FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));

	private static final MethodHandle CFMAKERAW = LINKER.downcallHandle(LIBC.find("cfmakeraw").orElseThrow(),
			FunctionDescriptor.ofVoid(ADDRESS));

	private static final MethodHandle SOCKET = handle("socket",
			FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));

	private static final MethodHandle CONNECT = handle("connect",
			FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

	private static final MethodHandle RECV = handle("recv",
			FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

	private static final MethodHandle SEND = handle("send",
			FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

	private static final MethodHandle SHUTDOWN = handle("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

	private static final MethodHandle SETNS = handle("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

	private static final int EINTR = 4;

	private NativeIo() {
	}

	/** A new pseudo-terminal: the master descriptor and the path of its slave ({@code /dev/pts/N}). */
	public record Pty(int master, Path slave) {
	}

	/**
	 * Opens a new pseudo-terminal pair: the master is ours (close-on-exec), the slave is left for a
	 * child to open by path. The slave starts in raw mode with the given size.
	 */
	public static Pty openPty(int width, int height) throws IOException {
		int master = NativeCalls.call((arena, state) -> check((int) POSIX_OPENPT.invokeExact(state, O_RDWR | O_NOCTTY | O_CLOEXEC),
				state, "posix_openpt", "/dev/ptmx"));
		try {
			return NativeCalls.call((arena, state) -> {
				check((int) GRANTPT.invokeExact(state, master), state, "grantpt", master);
				check((int) UNLOCKPT.invokeExact(state, master), state, "unlockpt", master);
				MemorySegment name = arena.allocate(128);
				int rc = (int) PTSNAME_R.invokeExact(state, master, name, 128L);
				if (rc != 0) {
					throw new HostOsException("ptsname_r", master, rc, describe(rc));
				}
				Path slave = Path.of(name.getString(0));
				makeRaw(slave);
				setWindowSize(master, width, height);
				return new Pty(master, slave);
			});
		}
		catch (IOException | RuntimeException ex) {
			close(master);
			throw ex;
		}
	}

	/** Puts the terminal {@code tty} into raw mode: no echo, no line editing, no signals, bytes as they are. */
	static void makeRaw(Path tty) throws IOException {
		int fd = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
		try {
			NativeCalls.call((arena, state) -> {
				MemorySegment termios = arena.allocate(TERMIOS_SIZE);
				check((int) TCGETATTR.invokeExact(state, fd, termios), state, "tcgetattr", tty);
				CFMAKERAW.invokeExact(termios);
				check((int) TCSETATTR.invokeExact(state, fd, TCSANOW, termios), state, "tcsetattr", tty);
				return null;
			});
		}
		finally {
			close(fd);
		}
	}

	/** Sets the window size of the terminal behind {@code fd} (a pty master sets its pair's). */
	public static void setWindowSize(int fd, int width, int height) throws IOException {
		NativeCalls.call((arena, state) -> {
			MemorySegment winsize = arena.allocate(8);
			winsize.set(JAVA_SHORT, 0, (short) height);
			winsize.set(JAVA_SHORT, 2, (short) width);
			check((int) IOCTL_PTR.invokeExact(state, fd, TIOCSWINSZ, winsize), state, "ioctl TIOCSWINSZ", fd);
			return null;
		});
	}

	/** open(2) without O_CREAT. */
	public static int open(Path path, int flags) throws IOException {
		return NativeCalls.call((arena, state) -> check((int) OPEN.invokeExact(state, arena.allocateFrom(path.toString()), flags),
				state, "open", path));
	}

	/** Opens {@code path} read-only, close-on-exec (e.g. a namespace file). */
	public static int openReadOnly(Path path) throws IOException {
		return open(path, O_RDONLY | O_CLOEXEC);
	}

	/** Closes {@code fd}, ignoring errors: there is nothing to do about a failed close. */
	public static void close(int fd) {
		if (fd < 0) {
			return;
		}
		try {
			NativeCalls.call((arena, state) -> (int) CLOSE.invokeExact(state, fd));
		}
		catch (IOException ex) {
			// close(2) releases the descriptor even when it reports an error
		}
	}

	/**
	 * Reads up to {@code buffer.byteSize()} bytes; blocks. Returns 0 at end of file, -1 when the
	 * kernel says EIO (a pty master whose slave side is closed everywhere).
	 */
	public static int read(int fd, MemorySegment buffer) throws IOException {
		while (true) {
			try (Arena arena = Arena.ofConfined()) {
				MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
				long n = (long) READ.invokeExact(state, fd, buffer, buffer.byteSize());
				if (n >= 0) {
					return (int) n;
				}
				int errno = errno(state);
				if (errno == EINTR) {
					continue;
				}
				if (errno == 5) {
					return -1;
				}
				throw new HostOsException("read", fd, errno, describe(errno));
			}
			catch (IOException | RuntimeException | Error ex) {
				throw ex;
			}
			catch (Throwable ex) {
				throw new IllegalStateException("native call failed unexpectedly", ex);
			}
		}
	}

	/** Writes all of {@code data[offset, offset+length)}; blocks while the other side is full. */
	public static void write(int fd, byte[] data, int offset, int length) throws IOException {
		NativeCalls.call((arena, state) -> {
			MemorySegment buffer = arena.allocate(Math.max(1, length));
			MemorySegment.copy(data, offset, buffer, JAVA_BYTE, 0, length);
			long done = 0;
			while (done < length) {
				long n = (long) WRITE.invokeExact(state, fd, buffer.asSlice(done), length - done);
				if (n < 0) {
					int errno = errno(state);
					if (errno == EINTR) {
						continue;
					}
					throw new HostOsException("write", fd, errno, describe(errno));
				}
				done += n;
			}
			return null;
		});
	}

	/**
	 * Connects a new {@code SOCK_SEQPACKET} socket to the Unix socket at {@code path} and returns
	 * its descriptor. A path longer than {@code sun_path} holds (107 bytes) is reached through
	 * {@code /proc/self/fd/<n>} of an {@code O_PATH} descriptor of the socket file.
	 */
	public static int connectSeqPacket(Path path) throws IOException {
		byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
		if (name.length >= SUN_PATH) {
			int handle = open(path, O_PATH | O_CLOEXEC);
			try {
				return connectSeqPacket(Path.of("/proc/self/fd/" + handle), path);
			}
			finally {
				close(handle);
			}
		}
		return connectSeqPacket(path, path);
	}

	private static int connectSeqPacket(Path via, Path path) throws IOException {
		byte[] name = via.toString().getBytes(StandardCharsets.UTF_8);
		int fd = NativeCalls.call((arena, state) -> check(
				(int) SOCKET.invokeExact(state, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), state, "socket", path));
		try {
			NativeCalls.call((arena, state) -> {
				MemorySegment address = arena.allocate(2 + SUN_PATH);
				address.set(JAVA_SHORT, 0, (short) AF_UNIX);
				MemorySegment.copy(name, 0, address, JAVA_BYTE, 2, name.length);
				return check((int) CONNECT.invokeExact(state, fd, address, 2 + name.length + 1), state, "connect",
						path);
			});
			return fd;
		}
		catch (IOException | RuntimeException ex) {
			close(fd);
			throw ex;
		}
	}

	/** Receives one packet (at most the buffer's size); 0 when the peer closed or we shut down. */
	public static int recv(int fd, MemorySegment buffer) throws IOException {
		while (true) {
			try (Arena arena = Arena.ofConfined()) {
				MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
				long n = (long) RECV.invokeExact(state, fd, buffer, buffer.byteSize(), 0);
				if (n >= 0) {
					return (int) n;
				}
				int errno = errno(state);
				if (errno == EINTR) {
					continue;
				}
				throw new HostOsException("recv", fd, errno, describe(errno));
			}
			catch (IOException | RuntimeException | Error ex) {
				throw ex;
			}
			catch (Throwable ex) {
				throw new IllegalStateException("native call failed unexpectedly", ex);
			}
		}
	}

	/** Sends {@code data} as one packet (no SIGPIPE when the peer is gone: an exception instead). */
	public static void send(int fd, byte[] data, int offset, int length) throws IOException {
		NativeCalls.call((arena, state) -> {
			MemorySegment buffer = arena.allocate(Math.max(1, length));
			MemorySegment.copy(data, offset, buffer, JAVA_BYTE, 0, length);
			while (true) {
				long n = (long) SEND.invokeExact(state, fd, buffer, (long) length, MSG_NOSIGNAL);
				if (n >= 0) {
					return null;
				}
				int errno = errno(state);
				if (errno != EINTR) {
					throw new HostOsException("send", fd, errno, describe(errno));
				}
			}
		});
	}

	/** shutdown(2); errors (e.g. not connected any more) are ignored. */
	public static void shutdown(int fd, int how) {
		try {
			NativeCalls.call((arena, state) -> (int) SHUTDOWN.invokeExact(state, fd, how));
		}
		catch (IOException ex) {
			// already shut down or closed by the peer
		}
	}

	/** Moves the calling thread into the namespace {@code fd} refers to. */
	public static void setns(int fd, int nstype, Object what) throws IOException {
		NativeCalls.call((arena, state) -> check((int) SETNS.invokeExact(state, fd, nstype), state, "setns", what));
	}


	private static int check(int rc, MemorySegment state, String call, Object what) throws HostOsException {
		if (rc < 0) {
			int errno = errno(state);
			throw new HostOsException(call, what, errno, describe(errno));
		}
		return rc;
	}

	private static int errno(MemorySegment state) {
		return (int) ERRNO.get(state, 0L);
	}

	private static String describe(int errno) {
		return switch (errno) {
			case 1 -> "Operation not permitted";
			case 2 -> "No such file or directory";
			case 5 -> "Input/output error";
			case 9 -> "Bad file descriptor";
			case 13 -> "Permission denied";
			case 22 -> "Invalid argument";
			case 32 -> "Broken pipe";
			case 104 -> "Connection reset by peer";
			case 107 -> "Transport endpoint is not connected";
			case 111 -> "Connection refused";
			default -> "error";
		};
	}

	private static MethodHandle handle(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
		MemorySegment symbol = LIBC.find(name)
			.orElseThrow(() -> new UnsupportedOperationException("libc has no symbol " + name));
		Linker.Option[] options = new Linker.Option[extra.length + 1];
		options[0] = Linker.Option.captureCallState("errno");
		System.arraycopy(extra, 0, options, 1, extra.length);
		return LINKER.downcallHandle(symbol, descriptor, options);
	}

}
