package io.rocketcri.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import io.rocketcri.config.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OCI bundle for runtime tests that needs no image: a root file system of Debian's static
 * busybox and its applet links, and a minimal {@code config.json} (OCI runtime spec 1.0) written
 * with Jackson. New PID, IPC, UTS, mount and network namespaces; /proc, a tmpfs /dev with
 * devpts and shm, a read-only /sys; the three capabilities runc's own template grants; a cgroup
 * under {@code /rocket-cri-test/} (cgroupfs); no oomScoreAdj (these hosts lack CAP_SYS_RESOURCE,
 * and the kernel forbids lowering it without).
 *
 * <pre>
 * Path bundle = BusyboxBundle.builder(dir, id).args("sh", "-c", "echo hi").memoryLimit(8 &lt;&lt; 20).write();
 * </pre>
 */
public final class BusyboxBundle {

	/** Applets linked in {@code /bin}. */
	public static final List<String> APPLETS = List.of("sh", "echo", "sleep", "cat", "ls", "true", "false", "kill",
			"printf", "head", "tr", "dd", "env", "id", "ps", "wc", "yes", "mkdir", "touch");

	/** Parent of every test container's cgroup. */
	public static final String CGROUP_PARENT = "/rocket-cri-test";

	private final Path dir;

	private final String id;

	private List<String> args = List.of("sleep", "1000");

	private boolean terminal;

	private Long memoryLimit;

	private boolean hostPidNamespace;

	private BusyboxBundle(Path dir, String id) {
		this.dir = dir;
		this.id = id;
	}

	/** A bundle in {@code dir} (created if needed) for a container with this id. */
	public static BusyboxBundle builder(Path dir, String id) {
		return new BusyboxBundle(dir, id);
	}

	/** The process arguments; {@code sleep 1000} unless set. */
	public BusyboxBundle args(String... args) {
		this.args = List.of(args);
		return this;
	}

	public BusyboxBundle terminal(boolean terminal) {
		this.terminal = terminal;
		return this;
	}

	/** Memory limit in bytes, with swap forbidden (memsw = limit). */
	public BusyboxBundle memoryLimit(long bytes) {
		this.memoryLimit = bytes;
		return this;
	}

	/**
	 * Shares the host's PID namespace, so the process is not an init: signals without a handler
	 * (SIGTERM) then kill it, where a PID-namespace init would ignore them.
	 */
	public BusyboxBundle hostPidNamespace() {
		this.hostPidNamespace = true;
		return this;
	}

	/** The cgroups path the config asks for. */
	public String cgroupsPath() {
		return CGROUP_PARENT + "/" + this.id;
	}

	/** Writes rootfs and config.json; returns the bundle directory. */
	public Path write() throws IOException {
		Path bin = Files.createDirectories(this.dir.resolve("rootfs/bin"));
		for (String mountPoint : List.of("proc", "dev", "sys", "tmp", "etc")) {
			Files.createDirectories(this.dir.resolve("rootfs").resolve(mountPoint));
		}
		Files.copy(Layers.BUSYBOX, bin.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING,
				StandardCopyOption.COPY_ATTRIBUTES);
		for (String applet : APPLETS) {
			Path link = bin.resolve(applet);
			if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
				Files.createSymbolicLink(link, Path.of("busybox"));
			}
		}
		Files.writeString(this.dir.resolve("rootfs/etc/passwd"), "root:x:0:0:root:/:/bin/sh\n");
		Files.write(this.dir.resolve("config.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(config()));
		return this.dir;
	}

	ObjectNode config() {
		ObjectNode config = Json.MAPPER.createObjectNode();
		config.put("ociVersion", "1.0.2");
		ObjectNode process = config.putObject("process");
		process.put("terminal", this.terminal);
		process.putObject("user").put("uid", 0).put("gid", 0);
		strings(process.putArray("args"), this.args);
		strings(process.putArray("env"), List.of("PATH=/bin", "HOME=/"));
		process.put("cwd", "/");
		ObjectNode caps = process.putObject("capabilities");
		List<String> defaultCaps = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
		for (String set : List.of("bounding", "effective", "permitted")) {
			strings(caps.putArray(set), defaultCaps);
		}
		process.putArray("rlimits").addObject().put("type", "RLIMIT_NOFILE").put("hard", 1024).put("soft", 1024);
		process.put("noNewPrivileges", true);
		config.putObject("root").put("path", "rootfs").put("readonly", false);
		config.put("hostname", "test");
		ArrayNode mounts = config.putArray("mounts");
		mount(mounts, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
		mount(mounts, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
		mount(mounts, "/dev/pts", "devpts", "devpts",
				List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"));
		mount(mounts, "/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
		mount(mounts, "/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));
		ObjectNode linux = config.putObject("linux");
		ArrayNode namespaces = linux.putArray("namespaces");
		for (String type : this.hostPidNamespace ? List.of("ipc", "uts", "mount", "network")
				: List.of("pid", "ipc", "uts", "mount", "network")) {
			namespaces.addObject().put("type", type);
		}
		linux.put("cgroupsPath", cgroupsPath());
		ObjectNode resources = linux.putObject("resources");
		resources.putArray("devices").addObject().put("allow", false).put("access", "rwm");
		if (this.memoryLimit != null) {
			resources.putObject("memory").put("limit", this.memoryLimit).put("swap", this.memoryLimit);
		}
		strings(linux.putArray("maskedPaths"), List.of("/proc/kcore", "/proc/keys", "/proc/timer_list",
				"/sys/firmware"));
		strings(linux.putArray("readonlyPaths"), List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
				"/proc/sysrq-trigger"));
		return config;
	}

	private static void mount(ArrayNode mounts, String destination, String type, String source, List<String> options) {
		ObjectNode mount = mounts.addObject();
		mount.put("destination", destination);
		mount.put("type", type);
		mount.put("source", source);
		strings(mount.putArray("options"), new ArrayList<>(options));
	}

	private static void strings(ArrayNode array, List<String> values) {
		values.forEach(array::add);
	}

}
