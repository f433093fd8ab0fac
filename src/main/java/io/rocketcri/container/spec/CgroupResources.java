package io.rocketcri.container.spec;

import java.math.BigInteger;
import java.util.regex.Pattern;

import io.rocketcri.cri.api.HugepageLimit;
import io.rocketcri.cri.api.LinuxContainerResources;
import io.rocketcri.failure.InvalidArgument;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code linux.resources} from the CRI's {@code LinuxContainerResources} (devices are added by
 * {@link DevicePlan}). Zero means "not set" in the CRI (proto3 has no absence), so zero values are
 * left out rather than written as limits.
 *
 * <p>Memory: with a limit and no {@code memory_swap_limit_in_bytes}, swap (memory + swap, in
 * cgroup v1 terms) is set equal to the limit, so the container cannot swap, which is what
 * kubelet expects of a node with swap off. Only where the host accounts swap
 * ({@link HostLimits#swapAccounting()}): without {@code memory.memsw.*} runc fails on any swap
 * value. {@code unified} (cgroup v2 files) is passed through; runc refuses it on a v1-only
 * hierarchy, and kubelet only sends it to v2 nodes.
 */
final class CgroupResources {

	private static final String FIELD = "linux.resources.";

	/** cpuset lists: "0-3,6,8-9". */
	private static final Pattern CPU_LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

	private static final Pattern PAGE_SIZE = Pattern.compile("\\d+[KMGT]B");

	private CgroupResources() {
	}

	static ObjectNode of(LinuxContainerResources r, HostLimits host) {
		ObjectNode out = JsonNodeFactory.instance.objectNode();
		ObjectNode cpu = JsonNodeFactory.instance.objectNode();
		if (r.getCpuShares() < 0) {
			throw new InvalidArgument(FIELD + "cpu_shares: " + r.getCpuShares() + " is negative");
		}
		if (r.getCpuShares() > 0) {
			cpu.put("shares", r.getCpuShares());
		}
		if (r.getCpuQuota() != 0) {
			if (r.getCpuQuota() < -1) {
				throw new InvalidArgument(FIELD + "cpu_quota: " + r.getCpuQuota() + " is neither -1 (no quota) nor positive");
			}
			cpu.put("quota", r.getCpuQuota());
		}
		if (r.getCpuPeriod() < 0) {
			throw new InvalidArgument(FIELD + "cpu_period: " + r.getCpuPeriod() + " is negative");
		}
		if (r.getCpuPeriod() > 0) {
			cpu.put("period", r.getCpuPeriod());
		}
		if (!r.getCpusetCpus().isEmpty()) {
			cpu.put("cpus", cpuList(r.getCpusetCpus(), "cpuset_cpus"));
		}
		if (!r.getCpusetMems().isEmpty()) {
			cpu.put("mems", cpuList(r.getCpusetMems(), "cpuset_mems"));
		}
		if (!cpu.isEmpty()) {
			out.set("cpu", cpu);
		}

		long limit = r.getMemoryLimitInBytes();
		long swap = r.getMemorySwapLimitInBytes();
		if (limit < 0) {
			throw new InvalidArgument(FIELD + "memory_limit_in_bytes: " + limit + " is negative");
		}
		if (swap < -1) {
			throw new InvalidArgument(FIELD + "memory_swap_limit_in_bytes: " + swap + " is neither -1 (unlimited) nor positive");
		}
		if (limit > 0) {
			ObjectNode memory = out.putObject("memory");
			memory.put("limit", limit);
			if (swap > 0 && swap < limit) {
				throw new InvalidArgument(FIELD + "memory_swap_limit_in_bytes: " + swap
						+ " is below memory_limit_in_bytes " + limit + " (it counts memory plus swap)");
			}
			if (host.swapAccounting()) {
				memory.put("swap", swap == 0 ? limit : swap);
			}
		}

		if (r.getHugepageLimitsCount() > 0) {
			ArrayNode pages = out.putArray("hugepageLimits");
			for (int i = 0; i < r.getHugepageLimitsCount(); i++) {
				HugepageLimit page = r.getHugepageLimits(i);
				if (!PAGE_SIZE.matcher(page.getPageSize()).matches()) {
					throw new InvalidArgument(FIELD + "hugepage_limits[" + i + "].page_size: \"" + page.getPageSize()
							+ "\" is not a page size such as 2MB or 1GB");
				}
				pages.addObject()
					.put("pageSize", page.getPageSize())
					.put("limit", new BigInteger(Long.toUnsignedString(page.getLimit())));
			}
		}

		if (r.getUnifiedCount() > 0) {
			ObjectNode unified = out.putObject("unified");
			r.getUnifiedMap().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
				.forEach((e) -> unified.put(e.getKey(), e.getValue()));
		}
		return out;
	}

	private static String cpuList(String list, String field) {
		String compact = list.replace(" ", "");
		if (!CPU_LIST.matcher(compact).matches()) {
			throw new InvalidArgument(FIELD + field + ": \"" + list + "\" is not a list such as 0-3,6");
		}
		return compact;
	}

}
