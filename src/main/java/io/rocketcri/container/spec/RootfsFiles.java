package io.rocketcri.container.spec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Reads files of a container's root file system the way the container would see them: symbolic
 * links are followed, but resolved inside the rootfs ({@code /} and {@code ..} stop at its root),
 * so an image with {@code /etc/passwd -> /etc/shadow-of-the-host} or {@code etc -> ../../..}
 * cannot make the runtime read a host file. The rootfs is not running yet when the spec is
 * generated, so nothing swaps a component between resolution and open; the final open refuses a
 * link anyway.
 */
final class RootfsFiles {

	/** Same bound as the kernel's MAXSYMLINKS. */
	private static final int MAX_LINKS = 40;

	/** passwd and group files are small; a huge one is a broken or hostile image. */
	private static final long MAX_BYTES = 8L * 1024 * 1024;

	private final Path rootfs;

	RootfsFiles(Path rootfs) {
		this.rootfs = rootfs;
	}

	/**
	 * The text of the regular file at {@code containerPath} inside the rootfs, or empty when it does
	 * not exist there (or is not a regular file, or loops).
	 */
	Optional<String> readText(String containerPath) throws IOException {
		Optional<Path> file = resolve(containerPath);
		if (file.isEmpty()) {
			return Optional.empty();
		}
		BasicFileAttributes attributes = lstat(file.get());
		if (attributes == null || !attributes.isRegularFile()) {
			return Optional.empty();
		}
		if (attributes.size() > MAX_BYTES) {
			throw new IOException(containerPath + " in the image is larger than " + MAX_BYTES + " bytes");
		}
		try (InputStream in = Files.newInputStream(file.get(), LinkOption.NOFOLLOW_LINKS)) {
			return Optional.of(new String(in.readNBytes((int) MAX_BYTES + 1), StandardCharsets.UTF_8));
		}
	}

	/**
	 * The host path of {@code containerPath} with every link resolved inside the rootfs; empty when a
	 * component does not exist, is not a directory where one is needed, or links loop.
	 */
	Optional<Path> resolve(String containerPath) throws IOException {
		Deque<String> pending = new ArrayDeque<>(components(containerPath));
		List<String> resolved = new ArrayList<>();
		int links = 0;
		while (!pending.isEmpty()) {
			String name = pending.removeFirst();
			if (name.isEmpty() || ".".equals(name)) {
				continue;
			}
			if ("..".equals(name)) {
				if (!resolved.isEmpty()) {
					resolved.removeLast();
				}
				continue;
			}
			Path candidate = join(resolved).resolve(name);
			BasicFileAttributes attributes = lstat(candidate);
			if (attributes == null) {
				return Optional.empty();
			}
			if (attributes.isSymbolicLink()) {
				if (++links > MAX_LINKS) {
					return Optional.empty();
				}
				String target = Files.readSymbolicLink(candidate).toString();
				if (target.startsWith("/")) {
					resolved.clear();
				}
				List<String> targetNames = components(target);
				for (int i = targetNames.size() - 1; i >= 0; i--) {
					pending.addFirst(targetNames.get(i));
				}
				continue;
			}
			if (!pending.isEmpty() && !attributes.isDirectory()) {
				return Optional.empty();
			}
			resolved.add(name);
		}
		return Optional.of(join(resolved));
	}

	private Path join(List<String> names) {
		Path path = this.rootfs;
		for (String name : names) {
			path = path.resolve(name);
		}
		return path;
	}

	private static List<String> components(String path) {
		return List.of(path.split("/"));
	}

	private static BasicFileAttributes lstat(Path path) throws IOException {
		try {
			return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
	}

}
