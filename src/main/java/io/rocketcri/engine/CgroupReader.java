package io.rocketcri.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads the CPU, memory and process usage of a cgroup (a container's, or a pod's parent cgroup,
 * which holds its containers' cgroups as children and so counts them all), on cgroup v1
 * (per-controller hierarchies under /sys/fs/cgroup/&lt;controller&gt;, as on hybrid hosts) and on a
 * pure cgroup v2 host. The working set is usage minus inactive file pages, as kubelet and
 * cAdvisor count it for eviction.
 *
 * <p>Which layout applies is decided once from the root: a v2 root has {@code cgroup.controllers}.
 * A hybrid host (v1 controllers plus a v2 mount at {@code unified/}) is read as v1, because that
 * is where runc puts the controllers.
 */
public final class CgroupReader {

	/** USER_HZ: cpuacct.stat counts in clock ticks of 10 ms on every Linux architecture we run on. */
	private static final long NANOS_PER_TICK = 10_000_000L;

	/** v1 reports "no limit" as a page-aligned LONG_MAX; anything this large is unlimited. */
	private static final long UNLIMITED_V1 = 1L << 62;

	private final Path root;

	private final boolean unified;

	public CgroupReader(Path root) {
		this.root = root;
		this.unified = Files.exists(root.resolve("cgroup.controllers"));
	}

	public static CgroupReader host() {
		return new CgroupReader(Path.of("/sys/fs/cgroup"));
	}

	/** Usage of the cgroup at {@code cgroupsPath} (as in the OCI spec), empty when it is gone. */
	public Optional<CgroupUsage> read(String cgroupsPath) {
		String relative = cgroupsPath.startsWith("/") ? cgroupsPath.substring(1) : cgroupsPath;
		try {
			// rows written before cgroup_parent was validated may hold a name no path can take
			if (relative.indexOf('\0') >= 0 || List.of(relative.split("/")).contains("..")) {
				return Optional.empty();
			}
			return Optional.of(unified ? readV2(root.resolve(relative)) : readV1(relative));
		}
		catch (IOException | UncheckedIOException | NumberFormatException ex) {
			return Optional.empty();
		}
	}

	private CgroupUsage readV1(String relative) throws IOException {
		Path cpuacct = root.resolve("cpuacct").resolve(relative);
		long cpu = number(cpuacct.resolve("cpuacct.usage"));
		Map<String, Long> ticks = keyValuesOrEmpty(cpuacct.resolve("cpuacct.stat"));
		Path memory = root.resolve("memory").resolve(relative);
		long usage = number(memory.resolve("memory.usage_in_bytes"));
		Map<String, Long> stat = keyValues(memory.resolve("memory.stat"));
		long inactiveFile = stat.getOrDefault("total_inactive_file", 0L);
		long limit = number(memory.resolve("memory.limit_in_bytes"));
		// memsw counts memory plus swap; it exists only when the kernel accounts swap
		long swap = -1;
		Path memsw = memory.resolve("memory.memsw.usage_in_bytes");
		if (Files.exists(memsw)) {
			swap = Math.max(0, number(memsw) - usage);
		}
		long processes = processCount(root.resolve("pids").resolve(relative), memory);
		return new CgroupUsage(cpu, ticks.getOrDefault("user", 0L) * NANOS_PER_TICK,
				ticks.getOrDefault("system", 0L) * NANOS_PER_TICK, usage, Math.max(0, usage - inactiveFile),
				stat.getOrDefault("total_rss", 0L), stat.getOrDefault("total_cache", 0L),
				stat.getOrDefault("total_pgfault", 0L), stat.getOrDefault("total_pgmajfault", 0L),
				limit >= UNLIMITED_V1 ? -1 : limit, swap, processes);
	}

	private static CgroupUsage readV2(Path dir) throws IOException {
		Map<String, Long> cpu = keyValues(dir.resolve("cpu.stat"));
		long usage = number(dir.resolve("memory.current"));
		Map<String, Long> stat = keyValues(dir.resolve("memory.stat"));
		String max = Files.readString(dir.resolve("memory.max")).strip();
		Path swapFile = dir.resolve("memory.swap.current");
		long swap = Files.exists(swapFile) ? number(swapFile) : -1;
		return new CgroupUsage(cpu.getOrDefault("usage_usec", 0L) * 1000, cpu.getOrDefault("user_usec", 0L) * 1000,
				cpu.getOrDefault("system_usec", 0L) * 1000, usage,
				Math.max(0, usage - stat.getOrDefault("inactive_file", 0L)), stat.getOrDefault("anon", 0L),
				stat.getOrDefault("file", 0L), stat.getOrDefault("pgfault", 0L), stat.getOrDefault("pgmajfault", 0L),
				"max".equals(max) ? -1 : Long.parseLong(max), swap, processCount(dir, dir));
	}

	/**
	 * Tasks in the cgroup and its children: {@code pids.current} (hierarchical, one read) when the
	 * pids controller is there, else the {@code cgroup.procs} lines of the whole subtree of
	 * {@code fallback}. -1 when neither can be read.
	 */
	private static long processCount(Path pidsDir, Path fallback) {
		try {
			return number(pidsDir.resolve("pids.current"));
		}
		catch (IOException | NumberFormatException ex) {
			// no pids controller here
		}
		try (Stream<Path> tree = Files.walk(fallback)) {
			return tree.filter(p -> p.getFileName().toString().equals("cgroup.procs")).mapToLong(p -> {
				try {
					return Files.readAllLines(p).stream().filter(l -> !l.isBlank()).count();
				}
				catch (IOException ex) {
					return 0; // a child cgroup removed while we walked
				}
			}).sum();
		}
		catch (IOException | UncheckedIOException ex) {
			return -1;
		}
	}

	private static long number(Path file) throws IOException {
		return Long.parseLong(Files.readString(file).strip());
	}

	private static Map<String, Long> keyValuesOrEmpty(Path file) throws IOException {
		try {
			return keyValues(file);
		}
		catch (NoSuchFileException ex) {
			return Map.of();
		}
	}

	private static Map<String, Long> keyValues(Path file) throws IOException {
		Map<String, Long> values = new HashMap<>();
		for (String line : Files.readAllLines(file)) {
			String[] kv = line.split(" ");
			if (kv.length == 2) {
				try {
					values.put(kv[0], Long.parseLong(kv[1]));
				}
				catch (NumberFormatException ex) {
					// not a counter
				}
			}
		}
		return values;
	}

	/**
	 * @param cpuNanos cumulative CPU time (likewise user and system time)
	 * @param cache page cache bytes (v1 total_cache, v2 file)
	 * @param memoryLimit bytes, -1 when unlimited
	 * @param swapUsage bytes swapped out, -1 when the kernel does not account swap
	 * @param processes tasks in the cgroup and its children, -1 when unknown
	 */
	public record CgroupUsage(long cpuNanos, long userNanos, long systemNanos, long memoryUsage, long workingSet,
			long rss, long cache, long pageFaults, long majorPageFaults, long memoryLimit, long swapUsage,
			long processes) {

		/** The sum of two cgroups' usage (a pod without a cgroup of its own); the limit is unknown. */
		public CgroupUsage plus(CgroupUsage o) {
			return new CgroupUsage(cpuNanos + o.cpuNanos, userNanos + o.userNanos, systemNanos + o.systemNanos,
					memoryUsage + o.memoryUsage, workingSet + o.workingSet, rss + o.rss, cache + o.cache,
					pageFaults + o.pageFaults, majorPageFaults + o.majorPageFaults, -1,
					swapUsage < 0 || o.swapUsage < 0 ? -1 : swapUsage + o.swapUsage,
					processes < 0 || o.processes < 0 ? -1 : processes + o.processes);
		}

	}

}
