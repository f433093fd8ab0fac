package io.rocketcri.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory {@link HostOs} for unit tests, usable without root.
 *
 * <ul>
 * <li>{@link #mknod} creates an empty regular file (so later file operations see something at the
 * path) and remembers the device in {@link #device(Path)}.</li>
 * <li>Extended attributes and owners live in maps keyed by path; nothing reaches the disk.</li>
 * <li>{@link #symlink} and {@link #utimensNoFollow} act on the real file system through the JDK.</li>
 * <li>{@link #mount}/{@link #unmount} only record.</li>
 * <li>{@link #kill} succeeds for the test's own pid and the pids given to {@link #addProcess},
 * and records the signal; {@link #writeFifo} succeeds for FIFOs given to {@link #openForReading}
 * and keeps the bytes.</li>
 * <li>{@link #failWhen} makes a call on a path fail with a given errno.</li>
 * </ul>
 * Every call is appended to {@link #calls()} as {@code "<call> <path>"}. Thread-safe (every
 * method is synchronized).
 */
public final class FakeHostOs implements HostOs {

	/** A device node or FIFO created through {@link #mknod}. */
	public record Device(int mode, long major, long minor) {

		public boolean isCharDevice() {
			return (this.mode & 0170000) == S_IFCHR;
		}

	}

	/** Numeric owner set through {@link #lchown}. */
	public record Owner(int uid, int gid) {
	}

	/** A mount recorded by {@link #mount}. */
	public record Mount(String source, Path target, String fstype, long flags, String data) {
	}

	private final List<String> calls = new ArrayList<>();

	private final Map<Path, Map<String, byte[]>> xattrs = new HashMap<>();

	private final Map<Path, Owner> owners = new HashMap<>();

	private final Map<Path, Device> devices = new HashMap<>();

	private final Map<Path, Mount> mounts = new LinkedHashMap<>();

	private final Map<String, Integer> failures = new HashMap<>();

	private final Map<Integer, List<Integer>> signals = new HashMap<>();

	private final Map<Path, ByteArrayOutputStream> fifoReaders = new HashMap<>();

	/** Makes {@link #kill} see a live process {@code pid}. */
	public synchronized FakeHostOs addProcess(int pid) {
		this.signals.putIfAbsent(pid, new ArrayList<>());
		return this;
	}

	/** Makes {@link #kill} see no process {@code pid} any more. */
	public synchronized FakeHostOs removeProcess(int pid) {
		this.signals.remove(pid);
		return this;
	}

	/** Signals sent to {@code pid} (or to group {@code -pid}) through {@link #kill}, oldest first. */
	public synchronized List<Integer> signalsSent(int pid) {
		return List.copyOf(this.signals.getOrDefault(Math.abs(pid), List.of()));
	}

	/** Pretends some process holds {@code fifo} open for reading, so {@link #writeFifo} succeeds. */
	public synchronized FakeHostOs openForReading(Path fifo) {
		this.fifoReaders.putIfAbsent(key(fifo), new ByteArrayOutputStream());
		return this;
	}

	/** Bytes written through {@link #writeFifo} to a FIFO opened with {@link #openForReading}. */
	public synchronized byte[] writtenTo(Path fifo) {
		ByteArrayOutputStream out = this.fifoReaders.get(key(fifo));
		return out != null ? out.toByteArray() : new byte[0];
	}

	/** Makes the next and every later {@code call} (e.g. "lsetxattr") on {@code path} fail. */
	public synchronized FakeHostOs failWhen(String call, Path path, int errno) {
		this.failures.put(call + " " + path.toAbsolutePath().normalize(), errno);
		return this;
	}

	@Override
	public synchronized void mknod(Path path, int mode, long major, long minor) throws IOException {
		record("mknod", path);
		try {
			Files.createFile(path);
		}
		catch (java.nio.file.FileAlreadyExistsException ex) {
			throw new HostOsException("mknod", path, HostOsException.EEXIST, "File exists");
		}
		this.devices.put(key(path), new Device(mode, major, minor));
	}

	@Override
	public synchronized void symlink(String target, Path link) throws IOException {
		record("symlink", link);
		Files.createSymbolicLink(link, Path.of(target));
	}

	@Override
	public synchronized void lsetxattr(Path path, String name, byte[] value) throws IOException {
		record("lsetxattr", path);
		requireExists(path, "lsetxattr");
		this.xattrs.computeIfAbsent(key(path), (k) -> new LinkedHashMap<>()).put(name, value.clone());
	}

	@Override
	public synchronized byte[] lgetxattr(Path path, String name) throws IOException {
		record("lgetxattr", path);
		requireExists(path, "lgetxattr");
		byte[] value = this.xattrs.getOrDefault(key(path), Map.of()).get(name);
		return value != null ? value.clone() : null;
	}

	@Override
	public synchronized List<String> llistxattr(Path path) throws IOException {
		record("llistxattr", path);
		requireExists(path, "llistxattr");
		return List.copyOf(this.xattrs.getOrDefault(key(path), Map.of()).keySet());
	}

	@Override
	public synchronized void lchown(Path path, int uid, int gid) throws IOException {
		record("lchown", path);
		requireExists(path, "lchown");
		this.owners.put(key(path), new Owner(uid, gid));
	}

	@Override
	public synchronized void utimensNoFollow(Path path, long mtimeEpochNanos) throws IOException {
		record("utimensat", path);
		FileTime time = FileTime.from(Instant.ofEpochSecond(0, mtimeEpochNanos));
		Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
			.setTimes(time, time, null);
	}

	@Override
	public synchronized FsUsage statvfs(Path path) throws IOException {
		record("statvfs", path);
		FileStore store = Files.getFileStore(path);
		return new FsUsage(store.getTotalSpace(), store.getUsableSpace(), 1_000_000, 500_000, store.name().hashCode());
	}

	@Override
	public synchronized void mount(String source, Path target, String fstype, long flags, String data)
			throws IOException {
		record("mount", target);
		this.mounts.put(key(target), new Mount(source, target, fstype, flags, data));
	}

	@Override
	public synchronized void idMappedBind(Path source, Path target, Path userns) throws IOException {
		record("idmapped-bind", target);
		this.mounts.put(key(target), new Mount(source.toString(), target, null, MS_BIND, "idmap=" + userns));
	}

	@Override
	public synchronized void makeReadOnlyRecursively(Path target) throws IOException {
		record("mount_setattr", target);
		Mount m = this.mounts.get(key(target));
		if (m == null) {
			throw new HostOsException("mount_setattr", target, HostOsException.EINVAL, "Invalid argument");
		}
		this.mounts.put(key(target), new Mount(m.source(), m.target(), m.fstype(), m.flags() | MS_RDONLY, m.data()));
	}

	@Override
	public synchronized void unmount(Path target, int flags) throws IOException {
		record("umount2", target);
		if (this.mounts.remove(key(target)) == null) {
			throw new HostOsException("umount2", target, HostOsException.EINVAL, "Invalid argument");
		}
	}

	@Override
	public synchronized void kill(int pid, int signal) throws IOException {
		this.calls.add("kill " + pid + " " + signal);
		int target = Math.abs(pid);
		if (target == ProcessHandle.current().pid()) {
			return;
		}
		List<Integer> sent = this.signals.get(target);
		if (sent == null) {
			throw new HostOsException("kill " + signal, "pid " + pid, HostOsException.ESRCH, "No such process");
		}
		sent.add(signal);
	}

	@Override
	public synchronized void writeFifo(Path fifo, byte[] data) throws IOException {
		record("writeFifo", fifo);
		requireExists(fifo, "open");
		ByteArrayOutputStream reader = this.fifoReaders.get(key(fifo));
		if (reader == null) {
			throw new HostOsException("open (write, non-blocking)", fifo, HostOsException.ENXIO,
					"No such device or address");
		}
		reader.writeBytes(data);
	}

	/** As {@link #kill} for the processes it knows; any start time matches. */
	@Override
	public synchronized boolean signalIfStartedAt(int pid, long startTime, int signal) throws IOException {
		this.calls.add("signalIfStartedAt " + pid + " " + startTime + " " + signal);
		List<Integer> sent = this.signals.get(pid);
		if (sent == null) {
			return false;
		}
		sent.add(signal);
		return true;
	}

	/** Reads nothing: no fake writer ever comes. */
	@Override
	public synchronized byte[] drainFifo(Path fifo, java.time.Duration checkEvery,
			java.util.function.BooleanSupplier writerMayCome) throws IOException {
		record("drainFifo", fifo);
		requireExists(fifo, "open");
		return new byte[0];
	}

	/** Records the pins as nsfs-less bind mounts of nothing: tests see which kinds were asked for. */
	@Override
	public synchronized void pinNewNamespaces(Map<String, Path> pinsByKind, String hostname) throws IOException {
		for (var pin : pinsByKind.entrySet()) {
			record("pinNewNamespace " + pin.getKey(), pin.getValue());
			this.mounts.put(key(pin.getValue()), new Mount("/proc/thread-self/ns/" + pin.getKey(), pin.getValue(), null,
					MS_BIND, hostname));
		}
	}

	@Override
	public synchronized void bringUpLoopback(Path netns) throws IOException {
		record("bringUpLoopback", netns);
	}

	/** Calls made so far, oldest first, as {@code "<call> <absolute path>"}. */
	public synchronized List<String> calls() {
		return List.copyOf(this.calls);
	}

	/** The device {@link #mknod} made at {@code path}, or null. */
	public synchronized Device device(Path path) {
		return this.devices.get(key(path));
	}

	/** The owner {@link #lchown} gave {@code path}, or null if never chowned. */
	public synchronized Owner owner(Path path) {
		return this.owners.get(key(path));
	}

	/** The extended attributes set on {@code path}, by name. */
	public synchronized Map<String, byte[]> xattrs(Path path) {
		return Collections.unmodifiableMap(new LinkedHashMap<>(this.xattrs.getOrDefault(key(path), Map.of())));
	}

	/** Mounts currently recorded, in mount order. */
	public synchronized List<Mount> mounts() {
		return List.copyOf(this.mounts.values());
	}

	private void record(String call, Path path) throws HostOsException {
		String entry = call + " " + key(path);
		this.calls.add(entry);
		Integer errno = this.failures.get(entry);
		if (errno != null) {
			throw new HostOsException(call, path, errno, "injected failure");
		}
	}

	private static void requireExists(Path path, String call) throws HostOsException {
		if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
			throw new HostOsException(call, path, HostOsException.ENOENT, "No such file or directory");
		}
	}

	private static Path key(Path path) {
		return path.toAbsolutePath().normalize();
	}

}
