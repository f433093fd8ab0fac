package io.rocketcri.container.spec;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@link DeviceNodes} read from the host's file system through {@code unix:} attributes. */
final class HostDeviceNodes implements DeviceNodes {

	private static final int S_IFMT = 0170000;

	private static final int S_IFCHR = 0020000;

	private static final int S_IFBLK = 0060000;

	private static final int S_IFIFO = 0010000;

	/** Mounted per container (or meaningless in one); a privileged container gets its own. */
	private static final Set<String> SKIPPED_UNDER_DEV = Set.of("pts", "shm", "mqueue", "fd", "console", ".lxc",
			".lxd-mounts", ".udev");

	private final Path dev;

	HostDeviceNodes() {
		this(Path.of("/dev"));
	}

	HostDeviceNodes(Path dev) {
		this.dev = dev;
	}

	@Override
	public List<DeviceNode> at(String hostPath) throws IOException {
		Path path = Path.of(hostPath);
		if (Files.isDirectory(path)) {
			return walk(path, Set.of());
		}
		DeviceNode node = node(path, hostPath, true);
		return node == null ? List.of() : List.of(node);
	}

	@Override
	public List<DeviceNode> hostDevices() throws IOException {
		return walk(this.dev, SKIPPED_UNDER_DEV);
	}

	private static List<DeviceNode> walk(Path top, Set<String> skipped) throws IOException {
		List<DeviceNode> out = new ArrayList<>();
		Files.walkFileTree(top, new SimpleFileVisitor<>() {
			@Override
			public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
				return !dir.equals(top) && skipped.contains(top.relativize(dir).toString()) ? FileVisitResult.SKIP_SUBTREE
						: FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
				if (attrs.isOther() && !skipped.contains(top.relativize(file).toString())) {
					DeviceNode node = node(file, file.toString(), false);
					// FIFOs under /dev (initctl and the like) are channels to host daemons, not devices.
					if (node != null && !"p".equals(node.type())) {
						out.add(node);
					}
				}
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFileFailed(Path file, IOException ex) {
				// A node that vanished or cannot be read while walking is not a device to hand out.
				return FileVisitResult.CONTINUE;
			}
		});
		return out;
	}

	private static DeviceNode node(Path path, String name, boolean followLinks) throws IOException {
		LinkOption[] options = followLinks ? new LinkOption[0] : new LinkOption[] { LinkOption.NOFOLLOW_LINKS };
		Map<String, Object> a = Files.readAttributes(path, "unix:mode,rdev,uid,gid", options);
		int mode = (int) a.get("mode");
		String type = switch (mode & S_IFMT) {
			case S_IFCHR -> "c";
			case S_IFBLK -> "b";
			case S_IFIFO -> "p";
			default -> null;
		};
		if (type == null) {
			return null;
		}
		long rdev = (long) a.get("rdev");
		return new DeviceNode(name, type, DeviceNode.major(rdev), DeviceNode.minor(rdev), mode & 07777,
				((Number) a.get("uid")).longValue(), ((Number) a.get("gid")).longValue());
	}

}
