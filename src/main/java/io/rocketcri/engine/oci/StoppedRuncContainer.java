package io.rocketcri.engine.oci;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * What {@code runc delete} does for a container whose init has exited, without its process
 * (8–10 ms a remove, LifecycleBenchmark): runc 1.1 removes the container's cgroup directories,
 * then its state directory, then runs poststop hooks. That is all, as long as nothing else can
 * be left in the cgroup: runc would first SIGKILL the cgroup's processes when the container
 * has no PID namespace of its own, and it retries a cgroup that is still busy.
 *
 * <p>So this is only taken when runc's own record says it is safe: its own PID namespace, no
 * poststop hook, the cgroupfs driver (the systemd driver has a unit to stop), no Intel RDT
 * group, not rootless, cgroup paths under {@code /sys/fs/cgroup}. Anything else, and any cgroup
 * that will not go at the first rmdir (still busy, or with sub-cgroups), returns false, and the
 * caller runs {@code runc delete}, which finds what is left and does the rest.
 */
final class StoppedRuncContainer {

	private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

	private final Path stateDir;

	private final List<Path> cgroups;

	private StoppedRuncContainer(Path stateDir, List<Path> cgroups) {
		this.stateDir = stateDir;
		this.cgroups = cgroups;
	}

	/**
	 * The container, if runc's {@code state.json} in {@code stateDir} describes one that this class
	 * may delete and whose init is gone ({@code initStartTime} reads the start time of a pid now,
	 * -1 when there is no such live process).
	 */
	static Optional<StoppedRuncContainer> of(Path stateDir, JsonNode state, IntToStartTime initStartTime) {
		return of(stateDir, state, initStartTime, CGROUP_ROOT);
	}

	/** As {@link #of(Path, JsonNode, IntToStartTime)}, with the cgroup file system mounted at {@code cgroupRoot}. */
	static Optional<StoppedRuncContainer> of(Path stateDir, JsonNode state, IntToStartTime initStartTime,
			Path cgroupRoot) {
		int pid = state.path("init_process_pid").asInt(0);
		long started = state.path("init_process_start").asLong(-1);
		if (pid <= 0 || started < 0 || initStartTime.startTimeOf(pid) == started) {
			return Optional.empty(); // unknown, or still running: runc delete says or does what fits
		}
		JsonNode config = state.path("config");
		if (state.path("rootless").asBoolean(false) || config.path("cgroups").path("Systemd").asBoolean(false)
				|| !state.path("intel_rdt_path").asString("").isEmpty()
				|| hasHooks(config.path("Hooks").path("poststop")) || !ownPidNamespace(config.path("namespaces"))) {
			return Optional.empty();
		}
		List<Path> cgroups = new ArrayList<>();
		JsonNode paths = state.path("cgroup_paths");
		for (var it = paths.properties().iterator(); it.hasNext();) {
			String text = it.next().getValue().asString("");
			Path path = Path.of(text).normalize();
			if (!path.isAbsolute() || !path.startsWith(cgroupRoot) || path.equals(cgroupRoot) || text.contains("..")) {
				return Optional.empty();
			}
			cgroups.add(path);
		}
		return Optional.of(new StoppedRuncContainer(stateDir, List.copyOf(cgroups)));
	}

	/**
	 * Removes the cgroups and the state directory. False when a cgroup would not go: the state
	 * directory is then kept, so that {@code runc delete} still knows the container.
	 */
	boolean delete() throws IOException {
		for (Path cgroup : this.cgroups) {
			try {
				Files.delete(cgroup); // rmdir: a cgroup directory's files go with it
			}
			catch (NoSuchFileException ex) {
				// never made (a controller runc skipped) or removed by an earlier try
			}
			catch (DirectoryNotEmptyException ex) {
				return false; // sub-cgroups
			}
			catch (FileSystemException ex) {
				return false; // EBUSY: a process still on its way out
			}
		}
		ConmonOciRuntime.deleteTree(this.stateDir);
		return true;
	}

	private static boolean hasHooks(JsonNode hooks) {
		return hooks.isArray() && !hooks.isEmpty();
	}

	private static boolean ownPidNamespace(JsonNode namespaces) {
		for (JsonNode ns : namespaces) {
			if ("NEWPID".equals(ns.path("type").asString())) {
				return ns.path("path").asString("").isEmpty();
			}
		}
		return false;
	}

	/** The start time of a live pid ({@code /proc/<pid>/stat} field 22), -1 when there is none. */
	@FunctionalInterface
	interface IntToStartTime {

		long startTimeOf(int pid);

	}

}
