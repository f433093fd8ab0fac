package io.rocketcri.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The few system calls that the JDK does not offer, or offers only while following symbolic
 * links: file-system calls, plus signalling a process (group) and poking a FIFO without blocking. Everything above {@code engine/} reaches the kernel through this interface, so
 * that image, snapshot and container code can be unit-tested against a fake.
 *
 * <p>Contract shared by every implementation:
 * <ul>
 * <li>Methods whose name starts with {@code l} (and {@link #utimensNoFollow}) act on a symbolic
 * link itself, never on what it points to.</li>
 * <li>Failures are {@link IOException}s whose message names the call, the path and the kernel's
 * reason, e.g. {@code "mknod /x/y: Operation not permitted (errno 1)"}.</li>
 * <li>Implementations are stateless and safe to call from any thread, including virtual threads.</li>
 * </ul>
 */
public interface HostOs {

	/** File type bits of {@code st_mode} for a character device. */
	int S_IFCHR = 0020000;

	/** File type bits of {@code st_mode} for a block device. */
	int S_IFBLK = 0060000;

	/** File type bits of {@code st_mode} for a FIFO (named pipe). */
	int S_IFIFO = 0010000;

	/** {@link #unmount} flag: detach now, finish the unmount once the mount is no longer busy. */
	int MNT_DETACH = 2;

	/** {@link #mount} flag: mount read-only. */
	long MS_RDONLY = 1L;

	/** {@link #mount} flag: do not honour set-user-ID and set-group-ID bits. */
	long MS_NOSUID = 2L;

	/** {@link #mount} flag: do not allow access to device nodes. */
	long MS_NODEV = 4L;

	/** {@link #mount} flag: create a bind mount. */
	long MS_BIND = 4096L;

	/** {@link #mount} flag: change the flags of an existing mount (with MS_BIND: of that bind only). */
	long MS_REMOUNT = 32L;

	/** {@link #mount} flag: with {@link #MS_BIND}, bind the whole subtree. */
	long MS_REC = 16384L;

	/** {@link #kill} signal: terminate, cannot be caught. */
	int SIGKILL = 9;

	/** {@link #kill} signal: polite termination request. */
	int SIGTERM = 15;

	/**
	 * {@link #mount} flag (with a null source and type): make the mount private, so that mounts
	 * beneath it neither propagate to nor arrive from other mount namespaces.
	 */
	long MS_PRIVATE = 1L << 18;

	/**
	 * Creates a device node or FIFO at {@code path}. Fails if anything (even a dangling symlink)
	 * exists there already.
	 * @param mode file type ({@link #S_IFCHR}, {@link #S_IFBLK} or {@link #S_IFIFO}) or'ed with the
	 * permission bits; the process umask applies to the permission bits
	 * @param major device major number (ignored for FIFOs)
	 * @param minor device minor number (ignored for FIFOs)
	 */
	void mknod(Path path, int mode, long major, long minor) throws IOException;

	/**
	 * Creates a symbolic link at {@code link} whose target is exactly the bytes of {@code target}
	 * (UTF-8), without the normalisation {@link Path} applies (a trailing slash or {@code //} is kept).
	 */
	void symlink(String target, Path link) throws IOException;

	/**
	 * Sets extended attribute {@code name} (e.g. {@code "security.capability"},
	 * {@code "trusted.overlay.opaque"}) on {@code path}, creating or replacing it. Acts on a
	 * symbolic link itself.
	 */
	void lsetxattr(Path path, String name, byte[] value) throws IOException;

	/**
	 * Returns the value of extended attribute {@code name} of {@code path} (a symbolic link
	 * itself), or {@code null} if the file has no such attribute.
	 */
	byte[] lgetxattr(Path path, String name) throws IOException;

	/**
	 * Lists the names of the extended attributes of {@code path} (a symbolic link itself) that the
	 * caller may see; trusted.* names are listed only to a privileged caller.
	 */
	List<String> llistxattr(Path path) throws IOException;

	/**
	 * Sets the numeric owner and group of {@code path}, acting on a symbolic link itself. Note the
	 * kernel clears set-user-ID/set-group-ID bits and {@code security.capability} on chown: set
	 * those afterwards.
	 * @param uid new owner, or -1 to leave it unchanged
	 * @param gid new group, or -1 to leave it unchanged
	 */
	void lchown(Path path, int uid, int gid) throws IOException;

	/**
	 * Sets the modification and access time of {@code path} (a symbolic link itself) to
	 * {@code mtimeEpochNanos} nanoseconds since the epoch.
	 */
	void utimensNoFollow(Path path, long mtimeEpochNanos) throws IOException;

	/** Reports size and free space of the file system that holds {@code path}. */
	FsUsage statvfs(Path path) throws IOException;

	/**
	 * Mounts {@code source} on {@code target}, as mount(2).
	 * @param fstype file system type, e.g. {@code "overlay"}; null for bind mounts and remounts
	 * @param flags {@code MS_*} flags
	 * @param data file-system specific options, e.g. {@code "lowerdir=…,upperdir=…,workdir=…"};
	 * may be null
	 */
	void mount(String source, Path target, String fstype, long flags, String data) throws IOException;

	/**
	 * Makes the mount at {@code target} and every mount beneath it read-only, as
	 * mount_setattr(2) with AT_RECURSIVE and MOUNT_ATTR_RDONLY (Linux 5.12+). A plain
	 * {@code ro} bind leaves submounts writable; this does not.
	 */
	void makeReadOnlyRecursively(Path target) throws IOException;

	/**
	 * Mounts a clone of the mount at {@code source} on {@code target}, id-mapped through the user
	 * namespace pinned at {@code userns}: open_tree(2) with OPEN_TREE_CLONE, mount_setattr(2) with
	 * MOUNT_ATTR_IDMAP, move_mount(2). Files owned by host uid 0 then appear owned by the uid the
	 * namespace maps to 0 (Linux 5.12+; overlayfs accepts such layers since 5.19).
	 */
	void idMappedBind(Path source, Path target, Path userns) throws IOException;

	/**
	 * Unmounts the file system mounted on {@code target}, as umount2(2).
	 * @param flags 0 or {@link #MNT_DETACH}
	 */
	void unmount(Path target, int flags) throws IOException;

	/**
	 * Sends {@code signal} to process {@code pid}, or to every process of group {@code -pid} when
	 * {@code pid} is negative, as kill(2). Signal 0 only checks that the target exists.
	 * Fails with errno {@link HostOsException#ESRCH} when there is no such process or group (a
	 * zombie still counts as existing until it is reaped).
	 */
	void kill(int pid, int signal) throws IOException;

	/**
	 * Opens the FIFO {@code fifo} for writing without ever blocking, writes {@code data} and
	 * closes it. Fails with errno {@link HostOsException#ENXIO} when no process has the FIFO open
	 * for reading (for instance conmon's control FIFO after conmon exited), where a plain open
	 * would wait forever, and with {@link HostOsException#EAGAIN} when the pipe is full. Writes
	 * of up to 4096 bytes ({@code PIPE_BUF}) are atomic.
	 */
	void writeFifo(Path fifo, byte[] data) throws IOException;


	/**
	 * Sends {@code signal} to process {@code pid} only while it is the process that started at
	 * {@code startTime} ({@code /proc/<pid>/stat} field 22, clock ticks after boot), as runc
	 * checks before it signals a container's init. pidfd_open(2) holds the process while its
	 * start time is compared and pidfd_send_signal(2) signals that very process, so a pid reused
	 * in between never gets the signal (runc's own check leaves that window open).
	 * @return false when there is no such process any more, or the pid now names another one
	 */
	boolean signalIfStartedAt(int pid, long startTime, int signal) throws IOException;

	/**
	 * Reads the FIFO {@code fifo} to end-of-file as runc start reads a container's exec.fifo:
	 * opened for reading without blocking (which releases a writer waiting in its open), then
	 * poll(2) until a writer has come and gone, collecting what it wrote.
	 * @param checkEvery how often {@code writerMayCome} is asked while no writer has come yet
	 * @param writerMayCome false once waiting is pointless (the writer died): then what was read
	 * so far, usually nothing, is returned
	 */
	byte[] drainFifo(Path fifo, java.time.Duration checkEvery, java.util.function.BooleanSupplier writerMayCome)
			throws IOException;

	/**
	 * Creates new namespaces of the given kinds ({@code "net"}, {@code "ipc"}, {@code "uts"}) and
	 * bind-mounts each onto its pin file (which must exist), without a helper process: a fresh
	 * platform thread unshare(2)s them (these three kinds are per thread, so the JVM's other
	 * threads never see them), sets {@code hostname} in a new UTS namespace, brings {@code lo} up
	 * in a new network namespace, mounts {@code /proc/thread-self/ns/<kind>} onto the pins and
	 * ends. Nothing else runs on that thread.
	 * @param hostname for a new UTS namespace; null leaves the host's name
	 */
	void pinNewNamespaces(java.util.Map<String, Path> pinsByKind, String hostname) throws IOException;

	/**
	 * Brings the loopback interface up in the network namespace at {@code netns} (a pin or a
	 * {@code /proc/<pid>/ns/net} link), from a fresh platform thread that setns(2)es into it;
	 * what {@code ip link set lo up} does, without the process.
	 */
	void bringUpLoopback(Path netns) throws IOException;

}
