package io.rocketcri.engine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Read-only looks at the host for the preflight checks: kernel features, cgroups, tool versions,
 * disk, ports. Never changes anything.
 */
public final class HostProbe {

	private final CommandRunner runner;

	private final ExecutableLocator tools;

	private final HostOs host;

	public HostProbe(CommandRunner runner, ExecutableLocator tools, HostOs host) {
		this.runner = runner;
		this.tools = tools;
		this.host = host;
	}

	public boolean isRoot() {
		try {
			return "0".equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString());
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Whether the running kernel's release is at least major.minor (false when unreadable). */
	public boolean kernelAtLeast(int major, int minor) {
		try {
			String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
			java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release);
			if (!m.find()) {
				return false;
			}
			int haveMajor = Integer.parseInt(m.group(1));
			int haveMinor = Integer.parseInt(m.group(2));
			return haveMajor > major || (haveMajor == major && haveMinor >= minor);
		}
		catch (IOException | NumberFormatException ex) {
			return false;
		}
	}

	public boolean kernelHasFilesystem(String name) {
		try {
			return Files.readAllLines(Path.of("/proc/filesystems")).stream().anyMatch(l -> l.strip().endsWith(name));
		}
		catch (IOException ex) {
			return false;
		}
	}

	public List<String> missingNamespaces() {
		List<String> missing = new ArrayList<>();
		for (String ns : List.of("net", "ipc", "uts", "pid", "mnt")) {
			if (!Files.exists(Path.of("/proc/self/ns", ns))) {
				missing.add(ns);
			}
		}
		return missing;
	}

	/** "v2" with its controllers, or "v1" (hybrid when a cgroup2 mount sits beside) with the hierarchies found. */
	public record Cgroups(String version, boolean hybrid, List<String> controllers) {
	}

	public Cgroups cgroups() {
		Path root = Path.of("/sys/fs/cgroup");
		try {
			if (Files.exists(root.resolve("cgroup.controllers"))) {
				return new Cgroups("v2", false, List.of(Files.readString(root.resolve("cgroup.controllers")).strip().split(" ")));
			}
			List<String> found = new ArrayList<>();
			for (String c : List.of("cpu", "cpuacct", "cpuset", "memory", "pids", "devices", "freezer", "blkio", "hugetlb")) {
				if (Files.isDirectory(root.resolve(c))) {
					found.add(c);
				}
			}
			return new Cgroups("v1", Files.exists(root.resolve("unified/cgroup.controllers")), found);
		}
		catch (IOException ex) {
			return new Cgroups("unknown", false, List.of());
		}
	}

	public Optional<Path> find(String tool) {
		return tools.find(tool);
	}

	/** First line of {@code <tool> --version}, or empty when it does not run. */
	public Optional<String> version(Path tool) {
		try {
			CommandRunner.Result r = runner.run(CommandRunner.Command.of(tool.toString(), "--version")
				.withTimeout(Duration.ofSeconds(10)));
			String out = (r.stdoutText() + r.stderrText()).strip();
			return r.exitCode() == 0 && !out.isEmpty() ? Optional.of(out.lines().findFirst().orElse(out)) : Optional.empty();
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	/** Free bytes and total bytes of the file system holding {@code path} (or its nearest existing parent). */
	public Optional<FsUsage> disk(Path path) {
		Path p = path.toAbsolutePath();
		while (p != null && !Files.exists(p)) {
			p = p.getParent();
		}
		try {
			return p == null ? Optional.empty() : Optional.of(host.statvfs(p));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	public boolean canBind(String address, int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Whether something accepts connections on the Unix socket (another runtime instance). */
	public boolean someoneListens(Path socket) {
		if (!Files.exists(socket)) {
			return false;
		}
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			return channel.connect(UnixDomainSocketAddress.of(socket));
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Whether the directory exists and is writable, or could be created. */
	public boolean writableOrCreatable(Path dir) {
		Path p = dir.toAbsolutePath();
		while (p != null && !Files.exists(p)) {
			p = p.getParent();
		}
		return p != null && Files.isDirectory(p) && Files.isWritable(p);
	}

}
