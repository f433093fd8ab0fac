package io.rocketcri.engine.rkt;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OCI runtime spec rocket-cri generates for every container, read back as {@code rkt app add}
 * arguments: the process (argv, environment, working directory, user) and the host bind mounts
 * (kubelet's volumes, the termination log). What rkt's stage1 provides itself is left out.
 */
final class RktAppSpec {

	/**
	 * Mounts stage1 makes on its own: /proc, /dev, /sys, and the pod files rkt writes from
	 * {@code --dns}/{@code --hosts-entry}/{@code --hostname} (two sources for one path would fight).
	 */
	private static final Set<String> STAGE1_PATHS = Set.of("/proc", "/dev", "/sys", "/etc/resolv.conf", "/etc/hosts",
			"/etc/hostname", "/dev/shm", "/dev/pts", "/dev/mqueue", "/sys/fs/cgroup", "/run/.containerenv");

	private RktAppSpec() {
	}

	static RktCommands.AppArgs from(ObjectNode spec, String appName, String rawLogName) {
		JsonNode process = spec.path("process");
		List<String> argv = strings(process.path("args"));
		List<String> env = strings(process.path("env"));
		String cwd = process.path("cwd").asString(null);
		JsonNode user = process.path("user");
		Long uid = user.hasNonNull("uid") ? user.get("uid").asLong() : null;
		Long gid = user.hasNonNull("gid") ? user.get("gid").asLong() : null;
		List<Long> groups = new ArrayList<>();
		user.path("additionalGids").forEach(g -> {
			if (gid == null || g.asLong() != gid) {
				groups.add(g.asLong());
			}
		});
		List<RktCommands.AppArgs.Volume> volumes = new ArrayList<>();
		for (JsonNode m : spec.path("mounts")) {
			String destination = m.path("destination").asString("");
			List<String> options = strings(m.path("options"));
			boolean bind = "bind".equals(m.path("type").asString("")) || options.contains("bind") || options.contains("rbind");
			if (!bind || destination.isEmpty() || STAGE1_PATHS.contains(destination)) {
				continue;
			}
			volumes.add(
					new RktCommands.AppArgs.Volume(m.path("source").asString(), destination, options.contains("ro")));
		}
		return new RktCommands.AppArgs(appName, rawLogName, argv, env, cwd, uid, gid, groups, volumes, limits(spec));
	}

	/** kubelet's limits as the OCI spec holds them (linux.resources, process.oomScoreAdj). */
	static RktCommands.AppArgs.Limits limits(ObjectNode spec) {
		JsonNode resources = spec.path("linux").path("resources");
		long memory = resources.path("memory").path("limit").asLong(0);
		long quota = resources.path("cpu").path("quota").asLong(0);
		long period = resources.path("cpu").path("period").asLong(0);
		long shares = resources.path("cpu").path("shares").asLong(0);
		JsonNode oom = spec.path("process").path("oomScoreAdj");
		return new RktCommands.AppArgs.Limits(memory > 0 ? memory : null,
				quota > 0 && period > 0 ? Math.max(1, quota * 1000 / period) : null, shares > 0 ? shares : null,
				oom.isIntegralNumber() ? oom.asInt() : null);
	}

	private static List<String> strings(JsonNode array) {
		List<String> values = new ArrayList<>();
		array.forEach(v -> values.add(v.asString()));
		return values;
	}

}
