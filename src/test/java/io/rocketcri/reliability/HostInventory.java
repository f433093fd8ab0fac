package io.rocketcri.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.rocketcri.testsupport.RuntimeUnderTest;

/**
 * What a rocket-cri instance under test holds on the host, read from the host itself (mount
 * table, /proc, cgroupfs, host-local IPAM files, its directories), never from the runtime's own
 * account: the comparison in the reliability tests is between the two.
 *
 * <p>Everything is matched by the test's own roots, so instances other engineers run on the same
 * machine never show up.
 *
 * @param rootfsMounts container id → its overlay root file system is mounted
 * @param netnsPins pod ids with a pinned network namespace
 * @param otherPins pod ids with a pinned IPC or UTS namespace
 * @param shmMounts pod ids with a /dev/shm tmpfs
 * @param strayMounts mount points under the test's roots that none of the above explains
 * @param ipAllocations host-local IPAM: IP → CNI container id (our pod id)
 * @param cgroups cgroup directories under the test's cgroup parent (container or infra ids), any controller
 * @param conmons container ids with a live (non-exec) conmon whose command line names our state root
 * @param helpers other live processes whose command line names our roots (runc, unshare, exec conmons), pid → command
 * @param ingest leftovers of interrupted pulls: content ingest files and snapshot ingest dirs
 * @param bundles ids under {@code <state>/bundles}
 * @param containerDirs ids under {@code <root>/containers}
 * @param podDirs ids under {@code <state>/pods}
 * @param persistDirs ids under {@code <state>/containers} (conmon's persist dirs)
 * @param exitFiles ids under {@code <state>/exits}
 * @param runcStates ids runc knows under {@code <state>/runc}
 */
record HostInventory(Set<String> rootfsMounts, Set<String> netnsPins, Set<String> otherPins, Set<String> shmMounts,
		List<String> strayMounts, Map<String, String> ipAllocations, Set<String> cgroups, Set<String> conmons,
		Map<Long, String> helpers, List<String> ingest, Set<String> bundles, Set<String> containerDirs,
		Set<String> podDirs, Set<String> persistDirs, Set<String> exitFiles, Set<String> runcStates) {

	static HostInventory read(RuntimeUnderTest runtime, String cgroupParent) {
		try {
			Path root = runtime.root().toRealPath();
			Path state = runtime.state().toRealPath();
			Set<String> rootfs = new TreeSet<>();
			Set<String> netns = new TreeSet<>();
			Set<String> pins = new TreeSet<>();
			Set<String> shm = new TreeSet<>();
			List<String> stray = new ArrayList<>();
			for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
				Path target = Path.of(line.split(" ")[4].replace("\\040", " "));
				if (!target.startsWith(root) && !target.startsWith(state)) {
					continue;
				}
				if (target.startsWith(root.resolve("containers")) && target.getNameCount() == root.getNameCount() + 3
						&& target.getFileName().toString().equals("rootfs")) {
					rootfs.add(target.getParent().getFileName().toString());
				}
				else if (target.equals(state.resolve("ns"))) {
					// the private bind mount all pins live under
				}
				else if (target.getParent().equals(state.resolve("ns/net"))) {
					netns.add(target.getFileName().toString());
				}
				else if (target.getParent().getParent().equals(state.resolve("ns"))) {
					pins.add(target.getFileName().toString());
				}
				else if (target.getParent().getParent().equals(state.resolve("pods"))
						&& target.getFileName().toString().equals("shm")) {
					shm.add(target.getParent().getFileName().toString());
				}
				else {
					stray.add(line);
				}
			}
			Map<String, String> ips = new TreeMap<>();
			Path ipam = root.resolve("ipam");
			for (Path network : children(ipam)) {
				for (Path file : children(network)) {
					String name = file.getFileName().toString();
					if (name.matches("[0-9]+(\\.[0-9]+){3}") || name.matches("[0-9a-f:]+") && name.contains(":")) {
						ips.put(name, Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip());
					}
				}
			}
			Set<String> cgroups = new TreeSet<>();
			String relative = cgroupParent.startsWith("/") ? cgroupParent.substring(1) : cgroupParent;
			for (Path controller : children(Path.of("/sys/fs/cgroup"))) {
				for (Path dir : children(controller.resolve(relative))) {
					if (Files.isDirectory(dir)) {
						cgroups.add(dir.getFileName().toString());
					}
				}
			}
			Set<String> conmons = new TreeSet<>();
			Map<Long, String> helpers = new TreeMap<>();
			for (Path proc : children(Path.of("/proc"))) {
				String pid = proc.getFileName().toString();
				if (!pid.chars().allMatch(Character::isDigit) || Long.parseLong(pid) == ProcessHandle.current().pid()) {
					continue;
				}
				List<String> argv = cmdline(proc);
				if (argv.isEmpty() || argv.stream().noneMatch(a -> a.contains(root.toString()) || a.contains(state.toString())
						|| a.contains(runtime.state().toString()) || a.contains(runtime.root().toString()))) {
					continue;
				}
				if (zombie(proc)) {
					continue;
				}
				boolean conmon = argv.getFirst().endsWith("conmon");
				if (conmon && !argv.contains("--exec")) {
					conmons.add(argv.get(argv.indexOf("--cid") + 1));
				}
				else if (!argv.getFirst().endsWith("java")) {
					helpers.put(Long.parseLong(pid), String.join(" ", argv));
				}
			}
			List<String> ingest = new ArrayList<>();
			children(root.resolve("content/ingest")).forEach(p -> ingest.add(p.toString()));
			children(root.resolve("snapshots")).stream()
				.filter(p -> p.getFileName().toString().startsWith("ingest-") || p.getFileName().toString().startsWith("removing-"))
				.forEach(p -> ingest.add(p.toString()));
			return new HostInventory(rootfs, netns, pins, shm, stray, ips, cgroups, conmons, helpers, ingest,
					names(state.resolve("bundles")), names(root.resolve("containers")), names(state.resolve("pods")),
					names(state.resolve("containers")), names(state.resolve("exits")), names(state.resolve("runc")));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Nothing at all: what the node looks like after every pod was removed. */
	List<String> leftovers() {
		List<String> found = new ArrayList<>();
		add(found, "overlay root file systems", rootfsMounts);
		add(found, "pinned network namespaces", netnsPins);
		add(found, "pinned ipc/uts namespaces", otherPins);
		add(found, "shm mounts", shmMounts);
		add(found, "other mounts", strayMounts);
		add(found, "IP allocations", ipAllocations.keySet());
		add(found, "cgroups", cgroups);
		add(found, "conmon processes", conmons);
		add(found, "helper processes", helpers.values());
		add(found, "ingest files", ingest);
		add(found, "bundles", bundles);
		add(found, "container layers", containerDirs);
		add(found, "pod directories", podDirs);
		add(found, "conmon persist directories", persistDirs);
		add(found, "exit files", exitFiles);
		add(found, "runc states", runcStates);
		return found;
	}

	private static void add(List<String> found, String what, java.util.Collection<String> items) {
		if (!items.isEmpty()) {
			found.add(what + ": " + items);
		}
	}

	int mountCount() {
		return rootfsMounts.size() + netnsPins.size() + otherPins.size() + shmMounts.size() + strayMounts.size();
	}

	private static List<String> cmdline(Path proc) {
		try {
			byte[] bytes = Files.readAllBytes(proc.resolve("cmdline"));
			List<String> argv = new ArrayList<>();
			int start = 0;
			for (int i = 0; i < bytes.length; i++) {
				if (bytes[i] == 0) {
					argv.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
					start = i + 1;
				}
			}
			return argv;
		}
		catch (IOException ex) {
			return List.of(); // gone meanwhile
		}
	}

	private static boolean zombie(Path proc) {
		try {
			String stat = Files.readString(proc.resolve("stat"));
			return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
		}
		catch (IOException ex) {
			return true;
		}
	}

	private static Set<String> names(Path dir) throws IOException {
		Set<String> names = new TreeSet<>();
		children(dir).forEach(p -> names.add(p.getFileName().toString()));
		return names;
	}

	private static List<Path> children(Path dir) throws IOException {
		if (!Files.isDirectory(dir)) {
			return List.of();
		}
		List<Path> list = new ArrayList<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
			stream.forEach(list::add);
		}
		catch (NoSuchFileException ex) {
			return List.of();
		}
		return list;
	}

}
