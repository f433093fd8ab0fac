package io.rocketcri.engine;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@link HostOs} on 64-bit Linux with glibc (2.33 or later, which exports {@code mknod} as a real
 * symbol), calling libc through the FFM API.
 *
 * <p>Thread safety: the method handles are immutable static finals and every call allocates its
 * native memory (C strings, errno capture, result buffers) in its own confined {@link Arena}, so
 * an instance may be shared by any number of threads. A downcall pins a virtual thread to its
 * carrier for the duration of the system call; all of these return quickly except a mount that
 * waits on its file system.
 *
 * <p>Paths are passed to the kernel as UTF-8, the encoding the JDK uses for file names when
 * {@code sun.jnu.encoding} is UTF-8 (a UTF-8 locale), so both see the same bytes.
 */
public final class LinuxHostOs implements HostOs {

	private static final Linker LINKER = Linker.nativeLinker();

	private static final SymbolLookup LIBC = LINKER.defaultLookup();

	private static final StructLayout CAPTURE_LAYOUT = NativeCalls.CAPTURE_LAYOUT;

	private static final VarHandle ERRNO = CAPTURE_LAYOUT
		.varHandle(MemoryLayout.PathElement.groupElement("errno"));

	/** {@code AT_FDCWD}: resolve relative paths against the working directory. */
	private static final int AT_FDCWD = -100;

	/** {@code AT_SYMLINK_NOFOLLOW} for utimensat. */
	private static final int AT_SYMLINK_NOFOLLOW = 0x100;

	/** struct statvfs on LP64 glibc: eleven 8-byte fields then int __f_spare[6]. */
	private static final long STATVFS_SIZE = 112;

	private static final MethodHandle MKNOD = capturing("mknod",
			FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));

	private static final MethodHandle SYMLINK = capturing("symlink",
			FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

	private static final MethodHandle LSETXATTR = capturing("lsetxattr",
			FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));

	private static final MethodHandle LGETXATTR = capturing("lgetxattr",
			FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));

	private static final MethodHandle LLISTXATTR = capturing("llistxattr",
			FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));

	private static final MethodHandle LCHOWN = capturing("lchown",
			FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

	private static final MethodHandle UTIMENSAT = capturing("utimensat",
			FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));

	private static final MethodHandle STATVFS = capturing("statvfs",
			FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

	private static final MethodHandle MOUNT = capturing("mount",
			FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));

	private static final MethodHandle UMOUNT2 = capturing("umount2",
			FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

	/** syscall(2): glibc 2.36 has no mount_setattr wrapper. */
	private static final MethodHandle SYSCALL_MOUNT_SETATTR = LINKER.downcallHandle(
			LIBC.find("syscall").orElseThrow(() -> new UnsupportedOperationException("libc has no symbol syscall")),
			FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG),
			Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));

	private static final MethodHandle SYSCALL_OPEN_TREE = LINKER.downcallHandle(
			LIBC.find("syscall").orElseThrow(() -> new UnsupportedOperationException("libc has no symbol syscall")),
			FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT),
			Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));

	private static final MethodHandle SYSCALL_MOVE_MOUNT = LINKER.downcallHandle(
			LIBC.find("syscall").orElseThrow(() -> new UnsupportedOperationException("libc has no symbol syscall")),
			FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT),
			Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));

	private static final long SYS_OPEN_TREE = 428;

	private static final long SYS_MOVE_MOUNT = 429;

	private static final int OPEN_TREE_CLONE = 1;

	private static final int AT_EMPTY_PATH = 0x1000;

	private static final int MOVE_MOUNT_F_EMPTY_PATH = 0x4;

	private static final long MOUNT_ATTR_IDMAP = 0x100000;

	private static final long SYS_MOUNT_SETATTR = 442; // x86_64 and every other 64-bit arch (generic table)

	private static final int AT_RECURSIVE = 0x8000;

	private static final long MOUNT_ATTR_RDONLY = 0x1;

	private static final MethodHandle KILL = capturing("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

	/** open(2) is variadic (the mode); we never pass O_CREAT, so only the two fixed arguments. */
	private static final MethodHandle OPEN = capturing("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

	private static final MethodHandle WRITE = capturing("write",
			FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

	private static final MethodHandle CLOSE = capturing("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

	private static final int O_WRONLY = 01;

	private static final int O_NONBLOCK = 04000;

	private static final int O_CLOEXEC = 02000000;

	private static final MethodHandle SYSCALL_PIDFD_OPEN = LINKER.downcallHandle(
			LIBC.find("syscall").orElseThrow(() -> new UnsupportedOperationException("libc has no symbol syscall")),
			FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(1),
			Linker.Option.captureCallState("errno"));

	private static final MethodHandle SYSCALL_PIDFD_SEND_SIGNAL = LINKER.downcallHandle(
			LIBC.find("syscall").orElseThrow(() -> new UnsupportedOperationException("libc has no symbol syscall")),
			FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
			Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));

	private static final long SYS_PIDFD_OPEN = 434;

	private static final long SYS_PIDFD_SEND_SIGNAL = 424;

	private static final MethodHandle POLL = capturing("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

	private static final MethodHandle READ = capturing("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

	private static final MethodHandle UNSHARE = capturing("unshare", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

	private static final MethodHandle SETNS = capturing("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

	private static final MethodHandle SETHOSTNAME = capturing("sethostname",
			FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

	private static final MethodHandle SOCKET = capturing("socket",
			FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));

	/** ioctl(2) is variadic: the request's argument is the pointer to a struct ifreq here. */
	private static final MethodHandle IOCTL = LINKER.downcallHandle(
			LIBC.find("ioctl").orElseThrow(() -> new UnsupportedOperationException("libc has no symbol ioctl")),
			FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2),
			Linker.Option.captureCallState("errno"));

	private static final int O_RDONLY = 0;

	private static final short POLLIN = 0x1;

	private static final short POLLHUP = 0x10;

	private static final int CLONE_NEWUTS = 0x04000000;

	private static final int CLONE_NEWIPC = 0x08000000;

	private static final int CLONE_NEWNET = 0x40000000;

	private static final int AF_INET = 2;

	private static final int SOCK_DGRAM = 2;

	private static final long SIOCGIFFLAGS = 0x8913;

	private static final long SIOCSIFFLAGS = 0x8914;

	private static final short IFF_UP = 0x1;

	/** struct ifreq: char ifr_name[16], then a union whose short ifr_flags we use; 40 bytes on LP64. */
	private static final long IFREQ_SIZE = 40;

	/** glibc 2.32+: the message for an errno, thread-safe and locale-independent; may be absent. */
	private static final MethodHandle STRERRORDESC_NP = LIBC.find("strerrordesc_np")
		.map((symbol) -> LINKER.downcallHandle(symbol, FunctionDescriptor.of(ADDRESS, JAVA_INT)))
		.orElse(null);

	public LinuxHostOs() {
		if (ADDRESS.byteSize() != 8 || !System.getProperty("os.name", "").startsWith("Linux")) {
			throw new UnsupportedOperationException("LinuxHostOs needs 64-bit Linux");
		}
	}

	@Override
	public void mknod(Path path, int mode, long major, long minor) throws IOException {
		NativeCalls.call((arena, state) -> {
			int rc = (int) MKNOD.invokeExact(state, cString(arena, path), mode, makedev(major, minor));
			check(rc, state, "mknod", path);
			return null;
		});
	}

	@Override
	public void symlink(String target, Path link) throws IOException {
		NativeCalls.call((arena, state) -> {
			int rc = (int) SYMLINK.invokeExact(state, arena.allocateFrom(target), cString(arena, link));
			check(rc, state, "symlink", link);
			return null;
		});
	}

	@Override
	public void lsetxattr(Path path, String name, byte[] value) throws IOException {
		NativeCalls.call((arena, state) -> {
			MemorySegment buffer = arena.allocate(Math.max(1, value.length));
			MemorySegment.copy(value, 0, buffer, JAVA_BYTE, 0, value.length);
			int rc = (int) LSETXATTR.invokeExact(state, cString(arena, path), arena.allocateFrom(name), buffer,
					(long) value.length, 0);
			check(rc, state, "lsetxattr " + name, path);
			return null;
		});
	}

	@Override
	public byte[] lgetxattr(Path path, String name) throws IOException {
		return NativeCalls.call((arena, state) -> {
			MemorySegment cPath = cString(arena, path);
			MemorySegment cName = arena.allocateFrom(name);
			// Ask for the size, then read; the value may grow in between (ERANGE): ask again.
			for (int attempt = 0;; attempt++) {
				long size = (long) LGETXATTR.invokeExact(state, cPath, cName, MemorySegment.NULL, 0L);
				if (size < 0 && errno(state) == HostOsException.ENODATA) {
					return null;
				}
				check(size, state, "lgetxattr " + name, path);
				MemorySegment buffer = arena.allocate(Math.max(1, size));
				long read = (long) LGETXATTR.invokeExact(state, cPath, cName, buffer, size);
				if (read < 0 && errno(state) == HostOsException.ERANGE && attempt < 5) {
					continue;
				}
				if (read < 0 && errno(state) == HostOsException.ENODATA) {
					return null;
				}
				check(read, state, "lgetxattr " + name, path);
				return buffer.asSlice(0, read).toArray(JAVA_BYTE);
			}
		});
	}

	@Override
	public List<String> llistxattr(Path path) throws IOException {
		return NativeCalls.call((arena, state) -> {
			MemorySegment cPath = cString(arena, path);
			for (int attempt = 0;; attempt++) {
				long size = (long) LLISTXATTR.invokeExact(state, cPath, MemorySegment.NULL, 0L);
				check(size, state, "llistxattr", path);
				if (size == 0) {
					return List.of();
				}
				MemorySegment buffer = arena.allocate(size);
				long read = (long) LLISTXATTR.invokeExact(state, cPath, buffer, size);
				if (read < 0 && errno(state) == HostOsException.ERANGE && attempt < 5) {
					continue;
				}
				check(read, state, "llistxattr", path);
				return splitNames(buffer.asSlice(0, read).toArray(JAVA_BYTE));
			}
		});
	}

	@Override
	public void lchown(Path path, int uid, int gid) throws IOException {
		NativeCalls.call((arena, state) -> {
			int rc = (int) LCHOWN.invokeExact(state, cString(arena, path), uid, gid);
			check(rc, state, "lchown", path);
			return null;
		});
	}

	@Override
	public void utimensNoFollow(Path path, long mtimeEpochNanos) throws IOException {
		NativeCalls.call((arena, state) -> {
			// struct timespec times[2] = { atime, mtime }: two { long tv_sec; long tv_nsec; }.
			long seconds = Math.floorDiv(mtimeEpochNanos, 1_000_000_000L);
			long nanos = Math.floorMod(mtimeEpochNanos, 1_000_000_000L);
			MemorySegment times = arena.allocate(JAVA_LONG, 4);
			times.setAtIndex(JAVA_LONG, 0, seconds);
			times.setAtIndex(JAVA_LONG, 1, nanos);
			times.setAtIndex(JAVA_LONG, 2, seconds);
			times.setAtIndex(JAVA_LONG, 3, nanos);
			int rc = (int) UTIMENSAT.invokeExact(state, AT_FDCWD, cString(arena, path), times,
					AT_SYMLINK_NOFOLLOW);
			check(rc, state, "utimensat", path);
			return null;
		});
	}

	@Override
	public FsUsage statvfs(Path path) throws IOException {
		return NativeCalls.call((arena, state) -> {
			MemorySegment buf = arena.allocate(STATVFS_SIZE, 8);
			int rc = (int) STATVFS.invokeExact(state, cString(arena, path), buf);
			check(rc, state, "statvfs", path);
			long frsize = buf.get(JAVA_LONG, 8);
			long blocks = buf.get(JAVA_LONG, 16);
			long bavail = buf.get(JAVA_LONG, 32);
			long files = buf.get(JAVA_LONG, 40);
			long favail = buf.get(JAVA_LONG, 56);
			long fsid = buf.get(JAVA_LONG, 64);
			return new FsUsage(blocks * frsize, bavail * frsize, files, favail, fsid);
		});
	}

	@Override
	public void mount(String source, Path target, String fstype, long flags, String data) throws IOException {
		NativeCalls.call((arena, state) -> {
			int rc = (int) MOUNT.invokeExact(state, optional(arena, source), cString(arena, target),
					optional(arena, fstype), flags, optional(arena, data));
			check(rc, state, "mount " + (fstype != null ? fstype + " " : "") + source + " on", target);
			return null;
		});
	}

	@Override
	public void makeReadOnlyRecursively(Path target) throws IOException {
		NativeCalls.call((arena, state) -> {
			// struct mount_attr { u64 attr_set, attr_clr, propagation, userns_fd; }
			MemorySegment attr = arena.allocate(32, 8);
			attr.set(JAVA_LONG, 0, MOUNT_ATTR_RDONLY);
			int rc = (int) (long) SYSCALL_MOUNT_SETATTR.invokeExact(state, SYS_MOUNT_SETATTR, AT_FDCWD, cString(arena, target),
					AT_RECURSIVE, attr, 32L);
			check(rc, state, "mount_setattr MOUNT_ATTR_RDONLY recursive", target);
			return null;
		});
	}

	@Override
	public void idMappedBind(Path source, Path target, Path userns) throws IOException {
		NativeCalls.call((arena, state) -> {
			int usernsFd = (int) OPEN.invokeExact(state, cString(arena, userns), O_CLOEXEC);
			check(usernsFd, state, "open user namespace", userns);
			int tree = -1;
			try {
				tree = (int) (long) SYSCALL_OPEN_TREE.invokeExact(state, SYS_OPEN_TREE, AT_FDCWD, cString(arena, source),
						OPEN_TREE_CLONE | O_CLOEXEC);
				check(tree, state, "open_tree OPEN_TREE_CLONE", source);
				MemorySegment attr = arena.allocate(32, 8);
				attr.set(JAVA_LONG, 0, MOUNT_ATTR_IDMAP);
				attr.set(JAVA_LONG, 24, usernsFd);
				int rc = (int) (long) SYSCALL_MOUNT_SETATTR.invokeExact(state, SYS_MOUNT_SETATTR, tree,
						arena.allocateFrom(""), AT_EMPTY_PATH, attr, 32L);
				check(rc, state, "mount_setattr MOUNT_ATTR_IDMAP (" + userns + ")", source);
				rc = (int) (long) SYSCALL_MOVE_MOUNT.invokeExact(state, SYS_MOVE_MOUNT, tree, arena.allocateFrom(""),
						AT_FDCWD, cString(arena, target), MOVE_MOUNT_F_EMPTY_PATH);
				check(rc, state, "move_mount of an id-mapped " + source + " to", target);
			}
			finally {
				if (tree >= 0) {
					int ignored = (int) CLOSE.invokeExact(state, tree);
				}
				int closed = (int) CLOSE.invokeExact(state, usernsFd);
			}
			return null;
		});
	}

	@Override
	public void unmount(Path target, int flags) throws IOException {
		NativeCalls.call((arena, state) -> {
			int rc = (int) UMOUNT2.invokeExact(state, cString(arena, target), flags);
			check(rc, state, "umount2", target);
			return null;
		});
	}

	@Override
	public void kill(int pid, int signal) throws IOException {
		NativeCalls.call((arena, state) -> {
			int rc = (int) KILL.invokeExact(state, pid, signal);
			if (rc < 0) {
				int errno = errno(state);
				throw new HostOsException("kill " + signal, (pid < 0 ? "group " + -pid : "pid " + pid), errno,
						describe(errno));
			}
			return null;
		});
	}

	@Override
	public void writeFifo(Path fifo, byte[] data) throws IOException {
		NativeCalls.call((arena, state) -> {
			int fd = (int) OPEN.invokeExact(state, cString(arena, fifo), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
			check(fd, state, "open (write, non-blocking)", fifo);
			try {
				MemorySegment buffer = arena.allocate(Math.max(1, data.length));
				MemorySegment.copy(data, 0, buffer, JAVA_BYTE, 0, data.length);
				long offset = 0;
				while (offset < data.length) {
					long written = (long) WRITE.invokeExact(state, fd, buffer.asSlice(offset), data.length - offset);
					check(written, state, "write", fifo);
					offset += written;
				}
			}
			finally {
				int closed = (int) CLOSE.invokeExact(state, fd);
				// a failed close of a FIFO loses nothing: the data is already in the pipe
			}
			return null;
		});
	}

	@Override
	public boolean signalIfStartedAt(int pid, long startTime, int signal) throws IOException {
		if (pid <= 0) {
			throw new IllegalArgumentException("signalIfStartedAt needs a process id, not " + pid);
		}
		return NativeCalls.call((arena, state) -> {
			int pidfd = (int) (long) SYSCALL_PIDFD_OPEN.invokeExact(state, SYS_PIDFD_OPEN, pid, 0);
			if (pidfd < 0) {
				int errno = errno(state);
				if (errno == HostOsException.ESRCH) {
					return false;
				}
				throw new HostOsException("pidfd_open", "pid " + pid, errno, describe(errno));
			}
			try {
				// read after the open: if the process we hold is gone and the pid reused, this differs
				if (processStartTime(pid) != startTime) {
					return false;
				}
				int rc = (int) (long) SYSCALL_PIDFD_SEND_SIGNAL.invokeExact(state, SYS_PIDFD_SEND_SIGNAL, pidfd, signal,
						MemorySegment.NULL, 0);
				if (rc < 0) {
					int errno = errno(state);
					if (errno == HostOsException.ESRCH) {
						return false;
					}
					throw new HostOsException("pidfd_send_signal " + signal, "pid " + pid, errno, describe(errno));
				}
				return true;
			}
			finally {
				int closed = (int) CLOSE.invokeExact(state, pidfd);
			}
		});
	}

	/** Field 22 of /proc/<pid>/stat, or -1 when there is no such process. */
	static long processStartTime(int pid) {
		String text;
		try {
			text = java.nio.file.Files.readString(Path.of("/proc", Integer.toString(pid), "stat"), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return -1;
		}
		// the command may hold spaces and parentheses: fields count from the last ')'
		String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
		return fields.length > 19 ? Long.parseLong(fields[19]) : -1;
	}

	@Override
	public byte[] drainFifo(Path fifo, java.time.Duration checkEvery, java.util.function.BooleanSupplier writerMayCome)
			throws IOException {
		int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, checkEvery.toMillis()));
		return NativeCalls.call((arena, state) -> {
			int fd = (int) OPEN.invokeExact(state, cString(arena, fifo), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
			check(fd, state, "open (read, non-blocking)", fifo);
			try {
				java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
				MemorySegment pollfd = arena.allocate(8, 4);
				MemorySegment buffer = arena.allocate(512);
				boolean writerCame = false;
				while (true) {
					pollfd.set(JAVA_INT, 0, fd);
					pollfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
					pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
					int ready = (int) POLL.invokeExact(state, pollfd, 1L, timeoutMillis);
					if (ready < 0) {
						if (errno(state) == 4) { // EINTR
							continue;
						}
						check(ready, state, "poll", fifo);
					}
					if (ready == 0) {
						if (!writerCame && !writerMayCome.getAsBoolean()) {
							return out.toByteArray();
						}
						continue;
					}
					short revents = pollfd.get(ValueLayout.JAVA_SHORT, 6);
					if ((revents & POLLIN) != 0) {
						long n = (long) READ.invokeExact(state, fd, buffer, buffer.byteSize());
						if (n > 0) {
							writerCame = true;
							out.write(buffer.asSlice(0, n).toArray(JAVA_BYTE));
							continue;
						}
						if (n == 0) {
							return out.toByteArray(); // every writer has closed
						}
						if (errno(state) != HostOsException.EAGAIN) {
							check(n, state, "read", fifo);
						}
						continue;
					}
					if ((revents & POLLHUP) != 0) {
						return out.toByteArray(); // a writer came and went, everything read
					}
				}
			}
			finally {
				int closed = (int) CLOSE.invokeExact(state, fd);
			}
		});
	}

	@Override
	public void pinNewNamespaces(java.util.Map<String, Path> pinsByKind, String hostname) throws IOException {
		int flags = 0;
		for (String kind : pinsByKind.keySet()) {
			flags |= switch (kind) {
				case "net" -> CLONE_NEWNET;
				case "ipc" -> CLONE_NEWIPC;
				case "uts" -> CLONE_NEWUTS;
				default -> throw new IllegalArgumentException("cannot pin a new " + kind
						+ " namespace from a thread (only net, ipc, uts are per thread)");
			};
		}
		int cloneFlags = flags;
		onOwnThread("pin-namespaces", () -> NativeCalls.call((arena, state) -> {
			int rc = (int) UNSHARE.invokeExact(state, cloneFlags);
			check(rc, state, "unshare " + pinsByKind.keySet(), Path.of("/proc/thread-self"));
			if (hostname != null && pinsByKind.containsKey("uts")) {
				byte[] name = hostname.getBytes(StandardCharsets.UTF_8);
				MemorySegment cName = arena.allocate(name.length + 1L);
				MemorySegment.copy(name, 0, cName, JAVA_BYTE, 0, name.length);
				rc = (int) SETHOSTNAME.invokeExact(state, cName, (long) name.length);
				check(rc, state, "sethostname " + hostname, pinsByKind.get("uts"));
			}
			if (pinsByKind.containsKey("net")) {
				loopbackUp(arena, state, pinsByKind.get("net"));
			}
			for (var pin : pinsByKind.entrySet()) {
				rc = (int) MOUNT.invokeExact(state, arena.allocateFrom("/proc/thread-self/ns/" + pin.getKey()),
						cString(arena, pin.getValue()), MemorySegment.NULL, MS_BIND, MemorySegment.NULL);
				check(rc, state, "mount the new " + pin.getKey() + " namespace on", pin.getValue());
			}
			return null;
		}));
	}

	@Override
	public void bringUpLoopback(Path netns) throws IOException {
		onOwnThread("loopback-up", () -> NativeCalls.call((arena, state) -> {
			int fd = (int) OPEN.invokeExact(state, cString(arena, netns), O_RDONLY | O_CLOEXEC);
			check(fd, state, "open network namespace", netns);
			try {
				int rc = (int) SETNS.invokeExact(state, fd, CLONE_NEWNET);
				check(rc, state, "setns", netns);
			}
			finally {
				int closed = (int) CLOSE.invokeExact(state, fd);
			}
			loopbackUp(arena, state, netns);
			return null;
		}));
	}

	/** SIOCSIFFLAGS with IFF_UP on lo of the calling thread's network namespace. */
	private static void loopbackUp(Arena arena, MemorySegment state, Path netns) throws Throwable {
		int sock = (int) SOCKET.invokeExact(state, AF_INET, SOCK_DGRAM | O_CLOEXEC, 0);
		check(sock, state, "socket in network namespace", netns);
		try {
			MemorySegment ifreq = arena.allocate(IFREQ_SIZE, 8);
			ifreq.setString(0, "lo");
			int rc = (int) IOCTL.invokeExact(state, sock, SIOCGIFFLAGS, ifreq);
			check(rc, state, "ioctl SIOCGIFFLAGS lo", netns);
			short flags = ifreq.get(ValueLayout.JAVA_SHORT, 16);
			ifreq.set(ValueLayout.JAVA_SHORT, 16, (short) (flags | IFF_UP));
			rc = (int) IOCTL.invokeExact(state, sock, SIOCSIFFLAGS, ifreq);
			check(rc, state, "ioctl SIOCSIFFLAGS lo up", netns);
		}
		finally {
			int closed = (int) CLOSE.invokeExact(state, sock);
		}
	}

	private interface IoAction {

		void run() throws IOException;

	}

	/**
	 * Runs {@code action} on a new platform thread and waits for it: the thread's namespaces change
	 * and it must end afterwards, never to be reused (a virtual thread's carrier would be).
	 */
	private static void onOwnThread(String name, IoAction action) throws IOException {
		java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
		Thread thread = Thread.ofPlatform().name(name).daemon().start(() -> {
			try {
				action.run();
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		});
		boolean interrupted = false;
		while (true) {
			try {
				thread.join();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true; // it takes microseconds; its result decides what the caller must undo
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		Throwable ex = failure.get();
		if (ex instanceof IOException io) {
			throw io;
		}
		if (ex instanceof RuntimeException runtime) {
			throw runtime;
		}
		if (ex instanceof Error error) {
			throw error;
		}
		if (ex != null) {
			throw new IOException(name + ": " + ex, ex);
		}
	}

	/**
	 * glibc's {@code makedev} is an inline function, so there is no symbol to call: the same bit
	 * layout, 12+20 bits of major and 8+24 bits of minor interleaved into a 64-bit dev_t.
	 */
	static long makedev(long major, long minor) {
		return ((major & 0x00000fffL) << 8) | ((major & 0xfffff000L) << 32) | (minor & 0x000000ffL)
				| ((minor & 0xffffff00L) << 12);
	}

	static List<String> splitNames(byte[] list) {
		List<String> names = new ArrayList<>();
		int start = 0;
		for (int i = 0; i < list.length; i++) {
			if (list[i] == 0) {
				if (i > start) {
					names.add(new String(list, start, i - start, StandardCharsets.UTF_8));
				}
				start = i + 1;
			}
		}
		return List.copyOf(names);
	}


	private static MethodHandle capturing(String name, FunctionDescriptor descriptor) {
		MemorySegment symbol = LIBC.find(name)
			.orElseThrow(() -> new UnsupportedOperationException("libc has no symbol " + name));
		return LINKER.downcallHandle(symbol, descriptor, Linker.Option.captureCallState("errno"));
	}

	private static MemorySegment cString(Arena arena, Path path) {
		return arena.allocateFrom(path.toString());
	}

	private static MemorySegment optional(Arena arena, String value) {
		return value != null ? arena.allocateFrom(value) : MemorySegment.NULL;
	}

	private static int errno(MemorySegment state) {
		return (int) ERRNO.get(state, 0L);
	}

	private static void check(long rc, MemorySegment state, String call, Path path) throws HostOsException {
		if (rc < 0) {
			int errno = errno(state);
			throw new HostOsException(call, path, errno, describe(errno));
		}
	}

	static String describe(int errno) {
		if (STRERRORDESC_NP != null) {
			try {
				MemorySegment text = (MemorySegment) STRERRORDESC_NP.invokeExact(errno);
				if (!text.equals(MemorySegment.NULL)) {
					return text.reinterpret(1024).getString(0);
				}
			}
			catch (Throwable ex) {
				// fall through to the bare number
			}
		}
		return "error";
	}

}
