package io.rocketcri.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a container's CPU and memory usage from its cgroup, on cgroup v1 (per-controller
 * hierarchies under /sys/fs/cgroup/&lt;controller&gt;) and on a pure cgroup v2 host. The working set
 * is usage minus inactive file pages, as kubelet and cAdvisor count it for eviction.
 */
public final class CgroupReader {

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
			return Optional.of(unified ? readV2(root.resolve(relative)) : readV1(relative));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	private CgroupUsage readV1(String relative) throws IOException {
		long cpu = number(root.resolve("cpuacct").resolve(relative).resolve("cpuacct.usage"));
		Path memory = root.resolve("memory").resolve(relative);
		long usage = number(memory.resolve("memory.usage_in_bytes"));
		Map<String, Long> stat = keyValues(memory.resolve("memory.stat"));
		long inactiveFile = stat.getOrDefault("total_inactive_file", 0L);
		long limit = number(memory.resolve("memory.limit_in_bytes"));
		return new CgroupUsage(cpu, usage, Math.max(0, usage - inactiveFile), stat.getOrDefault("total_rss", 0L),
				stat.getOrDefault("total_pgfault", 0L), stat.getOrDefault("total_pgmajfault", 0L),
				limit >= (1L << 62) ? -1 : limit);
	}

	private static CgroupUsage readV2(Path dir) throws IOException {
		Map<String, Long> cpu = keyValues(dir.resolve("cpu.stat"));
		long usage = number(dir.resolve("memory.current"));
		Map<String, Long> stat = keyValues(dir.resolve("memory.stat"));
		String max = Files.readString(dir.resolve("memory.max")).strip();
		return new CgroupUsage(cpu.getOrDefault("usage_usec", 0L) * 1000, usage,
				Math.max(0, usage - stat.getOrDefault("inactive_file", 0L)), stat.getOrDefault("anon", 0L),
				stat.getOrDefault("pgfault", 0L), stat.getOrDefault("pgmajfault", 0L),
				"max".equals(max) ? -1 : Long.parseLong(max));
	}

	private static long number(Path file) throws IOException {
		return Long.parseLong(Files.readString(file).strip());
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
	 * @param cpuNanos cumulative CPU time
	 * @param memoryLimit bytes, -1 when unlimited
	 */
	public record CgroupUsage(long cpuNanos, long memoryUsage, long workingSet, long rss, long pageFaults,
			long majorPageFaults, long memoryLimit) {
	}

}
