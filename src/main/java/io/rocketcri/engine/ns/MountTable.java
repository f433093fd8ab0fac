package io.rocketcri.engine.ns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mounts of the runtime's own mount namespace, read from {@code /proc/self/mountinfo}: used to
 * tell a live namespace pin (an {@code nsfs} mount) from a left-over empty file.
 */
public final class MountTable {

	private static final Path SELF = Path.of("/proc/self/mountinfo");

	/** One line of mountinfo: where something is mounted and what file system it is. */
	public record Mount(Path mountPoint, String fsType) {
	}

	private final List<Mount> mounts;

	private MountTable(List<Mount> mounts) {
		this.mounts = List.copyOf(mounts);
	}

	/** The mounts the runtime sees right now. */
	public static MountTable current() {
		try {
			return parse(Files.readString(SELF, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("reading " + SELF, ex);
		}
	}

	/**
	 * Parses mountinfo text: {@code id parent major:minor root mount-point options [optional…] - fstype source super-options}.
	 */
	static MountTable parse(String mountinfo) {
		List<Mount> mounts = new ArrayList<>();
		for (String line : mountinfo.split("\n")) {
			String[] fields = line.split(" ");
			int separator = List.of(fields).indexOf("-");
			if (fields.length < 5 || separator < 0 || separator + 1 >= fields.length) {
				continue;
			}
			mounts.add(new Mount(Path.of(unescape(fields[4])), fields[separator + 1]));
		}
		return new MountTable(mounts);
	}

	/** The kernel writes space, tab, newline and backslash in mount points as octal escapes ({@code \040}). */
	static String unescape(String field) {
		if (field.indexOf('\\') < 0) {
			return field;
		}
		StringBuilder out = new StringBuilder(field.length());
		for (int i = 0; i < field.length(); i++) {
			char c = field.charAt(i);
			if (c == '\\' && isOctal(field, i + 1)) {
				out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
				i += 3;
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

	private static boolean isOctal(String s, int from) {
		if (from + 3 > s.length()) {
			return false;
		}
		for (int i = from; i < from + 3; i++) {
			if (s.charAt(i) < '0' || s.charAt(i) > '7') {
				return false;
			}
		}
		return true;
	}

	public List<Mount> mounts() {
		return this.mounts;
	}

	/** The file system of the topmost mount on {@code path}, if something is mounted exactly there. */
	public Optional<String> fsTypeAt(Path path) {
		Path normal = path.toAbsolutePath().normalize();
		Optional<String> type = Optional.empty();
		for (Mount mount : this.mounts) {
			if (mount.mountPoint().equals(normal)) {
				type = Optional.of(mount.fsType()); // later lines are mounted on top of earlier ones
			}
		}
		return type;
	}

	public boolean isMountPoint(Path path) {
		return fsTypeAt(path).isPresent();
	}

	/**
	 * Whether {@code path} is a usable namespace file: a pin (an {@code nsfs} mount) or a
	 * {@code /proc/<pid>/ns/*} link of a live process. An empty file left after its mount is gone is not.
	 */
	public boolean isNamespaceFile(Path path) {
		if (path.startsWith("/proc/")) {
			return Files.exists(path);
		}
		return fsTypeAt(path).filter("nsfs"::equals).isPresent();
	}


	/**
	 * Whether {@code path} is a namespace file (an nsfs inode: a pin or a {@code /proc/<pid>/ns/*}
	 * link), from two stat calls instead of parsing mountinfo (1–4 ms on a node with a few
	 * hundred mounts, on every pod operation). Every namespace lives on the one nsfs superblock,
	 * so the file's device is that of the runtime's own network namespace exactly when it is one.
	 * An empty file left after its mount is gone is on the state directory's file system.
	 */
	public static boolean isNamespacePin(Path path) {
		try {
			Object nsfs = Files.getAttribute(Path.of("/proc/thread-self/ns/net"), "unix:dev");
			return nsfs.equals(Files.getAttribute(path, "unix:dev"));
		}
		catch (IOException | UnsupportedOperationException | IllegalArgumentException ex) {
			return false;
		}
	}

}
