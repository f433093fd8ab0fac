package io.rocketcri.node.doctor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.rocketcri.config.RocketProperties;
import io.rocketcri.engine.FsUsage;
import io.rocketcri.engine.HostProbe;
import io.rocketcri.image.registry.RegistriesConfig;
import io.rocketcri.network.NetworkStatus;
import io.rocketcri.network.PodNetwork;

/**
 * Preflight of a node: can rocket-cri run pods here, and if not, what to do. Shared by
 * {@code java -jar rocket-cri.jar doctor} and the verbose Status, so both say the same.
 */
public final class NodeDoctor {

	private static final long MIN_FREE_BYTES = 1L << 30;

	private final RocketProperties properties;

	private final HostProbe probe;

	private final PodNetwork network;

	private final String httpAddress;

	private final int httpPort;

	public NodeDoctor(RocketProperties properties, HostProbe probe, PodNetwork network, String httpAddress,
			int httpPort) {
		this.properties = properties;
		this.probe = probe;
		this.network = network;
		this.httpAddress = httpAddress;
		this.httpPort = httpPort;
	}

	/**
	 * @param runtimeRunning true when asked by the running runtime (its own socket and port are
	 * then expected to be in use)
	 */
	public List<Finding> examine(boolean runtimeRunning) {
		List<Finding> findings = new ArrayList<>();
		findings.add(probe.isRoot() ? Finding.ok("user", "running as root")
				: Finding.fail("user", "not running as root", "run rocket-cri as root: it mounts, pins namespaces and runs runc"));
		findings.add(probe.kernelHasFilesystem("overlay") ? Finding.ok("overlayfs", "kernel supports overlay")
				: Finding.fail("overlayfs", "the kernel lists no overlay file system", "modprobe overlay (and add it to /etc/modules)"));
		List<String> missingNs = probe.missingNamespaces();
		findings.add(missingNs.isEmpty() ? Finding.ok("namespaces", "net, ipc, uts, pid and mount namespaces available")
				: Finding.fail("namespaces", "missing namespaces: " + missingNs, "use a kernel built with namespace support"));
		findings.add(cgroups());
		findings.add(tool("runc", true, "apt-get install runc"));
		findings.add(tool("conmon", true, "apt-get install conmon"));
		findings.add(tool("catatonit", false, "apt-get install catatonit (needed by pods that share a PID namespace)"));
		findings.add(tool("unshare", true, "apt-get install util-linux"));
		findings.add(tool("nsenter", true, "apt-get install util-linux"));
		findings.add(tool("iptables", false, "apt-get install iptables (CNI port mappings and masquerading use it)"));
		findings.add(cni());
		findings.add(registries());
		findings.add(disk());
		findings.add(directory("data root", properties.root()));
		findings.add(directory("state root", properties.state()));
		if (!runtimeRunning) {
			Path socket = properties.cri().socketPath();
			findings.add(probe.someoneListens(socket)
					? Finding.warn("CRI socket", "something already listens on " + socket,
							"stop the other runtime instance, or set rocket.cri.socket to another path")
					: Finding.ok("CRI socket", socket + " is free"));
			findings.add(probe.canBind(httpAddress, httpPort) ? Finding.ok("HTTP port", httpAddress + ":" + httpPort + " is free")
					: Finding.warn("HTTP port", httpAddress + ":" + httpPort + " is in use",
							"stop what uses it, or set server.port"));
		}
		return findings;
	}

	public static boolean canRunPods(List<Finding> findings) {
		return findings.stream().noneMatch(f -> f.level() == Finding.Level.FAIL);
	}

	private Finding cgroups() {
		HostProbe.Cgroups c = probe.cgroups();
		String detail = "cgroup " + c.version() + (c.hybrid() ? " (hybrid, cgroup2 also mounted)" : "") + ", controllers "
				+ c.controllers();
		List<String> needed = List.of("cpu", "memory", "pids");
		List<String> missing = needed.stream().filter(n -> !c.controllers().contains(n)).toList();
		if (c.version().equals("v1") && !c.controllers().contains("devices")) {
			missing = new ArrayList<>(missing);
			missing.add("devices");
		}
		if (c.version().equals("unknown")) {
			return Finding.fail("cgroups", "no cgroup file system at /sys/fs/cgroup", "mount cgroup v2 (or v1) at /sys/fs/cgroup");
		}
		return missing.isEmpty() ? Finding.ok("cgroups", detail + "; cgroup driver " + properties.cgroupDriver())
				: Finding.fail("cgroups", detail + "; missing " + missing, "enable the missing cgroup controllers in the kernel or boot parameters");
	}

	private Finding tool(String name, boolean required, String fix) {
		Optional<Path> path = probe.find(name);
		if (path.isEmpty()) {
			return required ? Finding.fail(name, name + " not found on PATH", fix) : Finding.warn(name, name + " not found on PATH", fix);
		}
		if (name.equals("runc") || name.equals("conmon")) {
			return probe.version(path.get())
				.map(v -> Finding.ok(name, path.get() + ": " + v))
				.orElse(Finding.fail(name, path.get() + " does not run (" + name + " --version failed)", "reinstall: " + fix));
		}
		return Finding.ok(name, path.get().toString());
	}

	private Finding cni() {
		NetworkStatus status = network.status();
		if (status.ready()) {
			// a broken file before the one in use is skipped, as libcni does: say so, or the
			// operator's edit of it silently does nothing
			if (new io.rocketcri.network.CniConfigLocator(properties.network().cniConfigDir())
				.lookup() instanceof io.rocketcri.network.CniConfigLocator.Present p && !p.skipped().isEmpty()) {
				return Finding.warn("CNI", "network config " + status.configFile() + "; skipped: "
						+ String.join("; ", p.skipped()), "fix or remove the skipped files in "
								+ properties.network().cniConfigDir() + " (the first usable one in name order is used)");
			}
			return Finding.ok("CNI", "network config " + status.configFile());
		}
		return Finding.fail("CNI", status.message(),
				"drop a network config list into " + properties.network().cniConfigDir()
						+ " (docs/cni.md has a bridge example) and install containernetworking-plugins; only host-network pods run until then");
	}

	private Finding registries() {
		Path file = properties.image().registriesConfig();
		if (!Files.exists(file)) {
			return Finding.ok("registries", file + " absent: images are pulled directly from their registries over HTTPS");
		}
		try {
			RegistriesConfig.load(file);
			return Finding.ok("registries", file + " parses");
		}
		catch (RuntimeException ex) {
			return Finding.fail("registries", file + ": " + ex.getMessage(), "fix the file (containers-registries.conf(5) v2 format)");
		}
	}

	private Finding disk() {
		Optional<FsUsage> usage = probe.disk(properties.root());
		if (usage.isEmpty()) {
			return Finding.warn("disk", "cannot measure the file system of " + properties.root(), "check that the path is readable");
		}
		long free = usage.get().freeBytes();
		String detail = "%s: %.1f GiB free of %.1f GiB".formatted(properties.root(), free / 1073741824.0,
				usage.get().totalBytes() / 1073741824.0);
		if (free < 100L << 20) {
			return Finding.fail("disk", detail, "free space on the data root's file system: images and writable layers live there");
		}
		return free < MIN_FREE_BYTES ? Finding.warn("disk", detail, "free space: less than 1 GiB left for images and containers")
				: Finding.ok("disk", detail);
	}

	private Finding directory(String what, Path dir) {
		return probe.writableOrCreatable(dir) ? Finding.ok(what, dir + " writable")
				: Finding.fail(what, dir + " is not writable and cannot be created", "create it as root, or point the setting elsewhere");
	}

}
