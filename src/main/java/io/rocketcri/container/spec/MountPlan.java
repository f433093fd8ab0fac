package io.rocketcri.container.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.rocketcri.cri.api.Mount;
import io.rocketcri.cri.api.MountPropagation;
import io.rocketcri.failure.InvalidArgument;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The container's mount table ({@code mounts}) and the propagation of its root
 * ({@code linux.rootfsPropagation}).
 *
 * <p>Order matters to runc, which mounts top to bottom: first the kernel file systems every
 * container has ({@code /proc}, {@code /dev} and what lives in it, {@code /sys}, its cgroups);
 * then the pod's files ({@code /dev/shm}, {@code /etc/hosts}, {@code /etc/hostname},
 * {@code /etc/resolv.conf}) together with the CRI mounts, sorted by the depth of their container
 * path (stable), so that a volume on {@code /etc} is mounted before {@code /etc/hosts} lands in it
 * rather than hiding it. A CRI mount replaces the kernel file systems at or under its path (one
 * on {@code /dev} replaces {@code /dev}, {@code /dev/pts} and {@code /dev/mqueue}; kubelet's
 * {@code /dev/termination-log} replaces nothing) and a pod file only at exactly its path: a volume
 * on {@code /etc} still gets the pod's {@code /etc/hosts} on top, so names keep resolving.
 *
 * <p>CRI mounts are recursive binds. Propagation: private → {@code rprivate}, host-to-container →
 * {@code rslave}, bidirectional → {@code rshared}; the root must then propagate at least as much
 * ({@code rslave}, {@code rshared}) for the mount events to get through. Recursive read-only
 * ({@code recursive_read_only}) becomes runc's {@code rro} (mount_setattr with AT_RECURSIVE,
 * supported by runc 1.1.5 on these 6.x kernels; {@code runc features} lists it); it needs
 * {@code readonly} and private propagation, as the CRI says, else the mount is refused.
 * {@code selinux_relabel} is ignored (no SELinux here). Id-mapped mounts ({@code uidMappings},
 * {@code gidMappings}) are refused: runc 1.1 cannot make them.
 */
final class MountPlan {

	record Result(ArrayNode mounts, String rootfsPropagation) {
	}

	/** One entry before it is written out; {@code cri} marks a CRI mount (never left out). */
	private record Entry(String destination, String type, String source, List<String> options, boolean cri) {

		int depth() {
			return Path.of(this.destination).getNameCount();
		}

	}

	private MountPlan() {
	}

	static Result of(List<Mount> requested, PodResources pod, boolean privileged, boolean readonlyRootfs) {
		List<Entry> cri = new ArrayList<>();
		Map<String, Integer> seen = new HashMap<>();
		boolean shared = false;
		boolean slave = false;
		for (int i = 0; i < requested.size(); i++) {
			Mount mount = requested.get(i);
			String field = "mounts[" + i + "]";
			String destination = containerPath(mount.getContainerPath(), field);
			Integer earlier = seen.putIfAbsent(destination, i);
			if (earlier != null) {
				throw new InvalidArgument(field + ".container_path: " + destination + " is already mounted by mounts["
						+ earlier + "]");
			}
			if (mount.hasImage() && mount.getHostPath().isEmpty()) {
				// The container service resolves an image volume to the image's mounted root and
				// passes it as host_path; one that reaches us unresolved is not supported.
				throw new InvalidArgument(field + ".image: image volume " + mount.getImage().getImage()
						+ " is not supported here (it has no host_path)");
			}
			if (!mount.getHostPath().startsWith("/")) {
				throw new InvalidArgument(field + ".host_path: \"" + mount.getHostPath() + "\" is not an absolute path");
			}
			if (mount.getUidMappingsCount() > 0 || mount.getGidMappingsCount() > 0) {
				throw new InvalidArgument(field + ".uidMappings: id-mapped mounts are not supported by this runtime (runc 1.1)");
			}
			String propagation = switch (mount.getPropagation()) {
				case PROPAGATION_PRIVATE -> "rprivate";
				case PROPAGATION_HOST_TO_CONTAINER -> "rslave";
				case PROPAGATION_BIDIRECTIONAL -> "rshared";
				case UNRECOGNIZED -> throw new InvalidArgument(
						field + ".propagation: unknown propagation " + mount.getPropagationValue());
			};
			shared |= mount.getPropagation() == MountPropagation.PROPAGATION_BIDIRECTIONAL;
			slave |= mount.getPropagation() == MountPropagation.PROPAGATION_HOST_TO_CONTAINER;
			// An image volume is read-only whatever the mount says (the CRI's image volume rule).
			boolean readonly = mount.getReadonly() || mount.hasImage();
			List<String> options = new ArrayList<>(List.of("rbind", propagation, readonly ? "ro" : "rw"));
			if (mount.getRecursiveReadOnly()) {
				if (!mount.getReadonly()) {
					throw new InvalidArgument(field + ".recursive_read_only: needs readonly to be true");
				}
				if (mount.getPropagation() != MountPropagation.PROPAGATION_PRIVATE) {
					throw new InvalidArgument(field + ".recursive_read_only: needs private propagation, not "
							+ mount.getPropagation());
				}
				options.add("rro");
			}
			cri.add(new Entry(destination, "bind", mount.getHostPath(), options, true));
		}

		List<Entry> podFiles = new ArrayList<>();
		if (pod.shmPath() != null) {
			podFiles.add(new Entry("/dev/shm", "bind", pod.shmPath().toString(),
					List.of("rbind", "rprivate", "nosuid", "nodev", "noexec", "rw"), false));
		}
		else {
			podFiles.add(new Entry("/dev/shm", "tmpfs", "shm",
					List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"), false));
		}
		String etcMode = readonlyRootfs ? "ro" : "rw";
		addBind(podFiles, "/etc/hosts", pod.hostsFile(), etcMode);
		addBind(podFiles, "/etc/hostname", pod.hostnameFile(), etcMode);
		addBind(podFiles, "/etc/resolv.conf", pod.resolvConf(), etcMode);

		List<Entry> kernel = List.of(new Entry("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"), false),
				new Entry("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"), false),
				new Entry("/dev/pts", "devpts", "devpts",
						List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"), false),
				new Entry("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"), false),
				new Entry("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", privileged ? "rw" : "ro"), false),
				new Entry("/sys/fs/cgroup", "cgroup", "cgroup",
						List.of("nosuid", "noexec", "nodev", "relatime", privileged ? "rw" : "ro"), false));

		List<Entry> ordered = new ArrayList<>();
		kernel.stream().filter((e) -> !coveredBy(e, cri)).forEach(ordered::add);
		List<Entry> sorted = new ArrayList<>();
		podFiles.stream().filter((e) -> !seen.containsKey(e.destination())).forEach(sorted::add);
		sorted.addAll(cri);
		sorted.sort(Comparator.comparingInt(Entry::depth));
		ordered.addAll(sorted);

		ArrayNode mounts = JsonNodeFactory.instance.arrayNode();
		for (Entry entry : ordered) {
			ObjectNode node = mounts.addObject();
			node.put("destination", entry.destination()).put("type", entry.type()).put("source", entry.source());
			entry.options().forEach(node.putArray("options")::add);
		}
		return new Result(mounts, shared ? "rshared" : slave ? "rslave" : null);
	}

	private static void addBind(List<Entry> out, String destination, Path source, String mode) {
		if (source != null) {
			out.add(new Entry(destination, "bind", source.toString(), List.of("rbind", "rprivate", mode), false));
		}
	}

	private static boolean coveredBy(Entry builtIn, List<Entry> cri) {
		Path destination = Path.of(builtIn.destination());
		return cri.stream().anyMatch((c) -> destination.startsWith(c.destination()));
	}

	private static String containerPath(String path, String field) {
		if (!path.startsWith("/")) {
			throw new InvalidArgument(field + ".container_path: \"" + path + "\" is not an absolute path");
		}
		String normalized = Path.of(path).normalize().toString();
		if ("/".equals(normalized)) {
			throw new InvalidArgument(field + ".container_path: cannot mount over the container's root");
		}
		return normalized;
	}

}
