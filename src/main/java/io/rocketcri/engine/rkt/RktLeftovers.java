package io.rocketcri.engine.rkt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.rocketcri.engine.HostOs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code rkt rm} can leave of a pod on a host without systemd: mounts under rkt's data
 * directory (stage1's overlay and bind mounts, when its garbage collection could not unmount
 * them), cgroup directories named after the pod (nspawn's {@code machine-rkt\x2d<uuid>.scope}) and,
 * after {@code rkt stop --force}, nspawn's empty {@code propagate/rkt-<uuid>} directory.
 */
final class RktLeftovers {

	private static final Logger log = LoggerFactory.getLogger(RktLeftovers.class);

	private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

	private final HostOs host;

	private final Path dataDir;

	private final Path mountinfo;

	private final Path cgroupRoot;

	private final Path nspawnPropagate;

	RktLeftovers(HostOs host, Path dataDir) {
		this(host, dataDir, Path.of("/proc/self/mountinfo"), CGROUP_ROOT, Path.of("/run/systemd/nspawn/propagate"));
	}

	RktLeftovers(HostOs host, Path dataDir, Path mountinfo, Path cgroupRoot, Path nspawnPropagate) {
		this.host = host;
		this.dataDir = dataDir;
		this.mountinfo = mountinfo;
		this.cgroupRoot = cgroupRoot;
		this.nspawnPropagate = nspawnPropagate;
	}

	void remove(String uuid) throws IOException {
		for (Path target : mountsOf(uuid)) {
			log.info("unmounting {} left by rkt pod {}", target, uuid);
			host.unmount(target, HostOs.MNT_DETACH);
		}
		// nspawn removes its propagation directory itself, unless it was killed (rkt stop --force)
		Path propagate = nspawnPropagate.resolve("rkt-" + uuid);
		try {
			Files.deleteIfExists(propagate);
		}
		catch (IOException ex) {
			log.warn("removing {} of rkt pod {}: {}", propagate, uuid, ex.getMessage());
		}
		for (Path dir : cgroupsOf(uuid)) {
			try {
				Files.deleteIfExists(dir); // rmdir: an empty cgroup goes, one with processes stays
			}
			catch (IOException ex) {
				log.warn("removing cgroup {} of rkt pod {}: {}", dir, uuid, ex.getMessage());
			}
		}
	}

	/** Mount points under the data directory whose path names the pod, deepest first. */
	List<Path> mountsOf(String uuid) throws IOException {
		if (!Files.isReadable(mountinfo)) {
			return List.of();
		}
		String prefix = dataDir.toAbsolutePath().normalize() + "/";
		List<Path> targets = new ArrayList<>();
		for (String line : Files.readAllLines(mountinfo)) {
			String[] fields = line.split(" ");
			if (fields.length > 4) {
				String target = fields[4].replace("\\040", " ");
				if (target.startsWith(prefix) && target.contains(uuid)) {
					targets.add(Path.of(target));
				}
			}
		}
		targets.sort(Comparator.comparingInt(Path::getNameCount).reversed());
		return targets;
	}

	/** Cgroup directories naming the pod (plainly or systemd-escaped), at most four levels deep, deepest first. */
	List<Path> cgroupsOf(String uuid) throws IOException {
		if (!Files.isDirectory(cgroupRoot)) {
			return List.of();
		}
		String escaped = uuid.replace("-", "\\x2d");
		List<Path> named = new ArrayList<>();
		List<Path> found = new ArrayList<>();
		try (var walk = Files.walk(cgroupRoot, 5)) {
			walk.filter(Files::isDirectory).filter(p -> {
				String name = p.getFileName() == null ? "" : p.getFileName().toString();
				return name.contains(uuid) || name.contains(escaped);
			}).forEach(named::add);
			for (Path dir : named) {
				// the pod's scope holds its apps' cgroups, which do not name the pod
				try (var inner = Files.walk(dir)) {
					inner.filter(Files::isDirectory).filter(p -> !found.contains(p)).forEach(found::add);
				}
			}
		}
		catch (java.io.UncheckedIOException ex) {
			// a cgroup vanished while walking: what is left is found next time
		}
		found.sort(Comparator.comparingInt(Path::getNameCount).reversed());
		return found;
	}

}
