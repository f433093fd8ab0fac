package io.rocketcri.container.spec;

import java.util.Set;

/**
 * What the runtime process itself holds, and so the most a container can be given: runc runs as
 * the runtime's child and cannot grant more. On these hosts the runtime lacks CAP_SYS_RESOURCE,
 * so asking runc for a capability outside this set, an open-files hard limit above the runtime's
 * own, or an {@code oom_score_adj} below it makes the container fail to start.
 *
 * @param capabilities the runtime's bounding set (from {@code /proc/self/status} CapBnd); a
 * privileged container gets exactly these, and every container at most these
 * @param openFilesHardLimit the runtime's own RLIMIT_NOFILE hard limit; the container gets
 * {@code min(1048576, this)}; {@link #UNKNOWN} = set no rlimit (the container inherits the
 * runtime's)
 * @param swapAccounting whether the memory cgroup has {@code memory.memsw.*} (cgroup v1 swap
 * accounting); without it a swap limit makes runc fail, so none is set
 */
public record HostLimits(Set<String> capabilities, long openFilesHardLimit, boolean swapAccounting) {

	/** The open-files limit is not known: leave rlimits out of the spec. */
	public static final long UNKNOWN = -1;

	public HostLimits {
		capabilities = Set.copyOf(LinuxCapabilities.canonicalSet(capabilities));
	}

	/** Only the capability set is known: no rlimit, no swap limit. */
	public static HostLimits of(Set<String> capabilities) {
		return new HostLimits(capabilities, UNKNOWN, false);
	}

	/**
	 * The hard "Max open files" limit from a {@code /proc/<pid>/limits} text; {@link #UNKNOWN} if
	 * absent, {@link Long#MAX_VALUE} when unlimited.
	 */
	public static long openFilesHardLimitOf(String procLimits) {
		for (String line : procLimits.split("\n")) {
			if (line.startsWith("Max open files")) {
				String[] columns = line.substring("Max open files".length()).strip().split("\\s+");
				if (columns.length >= 2) {
					return "unlimited".equals(columns[1]) ? Long.MAX_VALUE : Long.parseLong(columns[1]);
				}
			}
		}
		return UNKNOWN;
	}

}
