package io.rocketcri.image.archive;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.TreeMap;

import io.rocketcri.image.snapshot.TarEntry;

/**
 * Decides, before anything is written, whether the layer unpacker would apply every member of a
 * layer; the same rules, checked lexically. That is exact because a layer is always unpacked into
 * an empty directory of its own: the only symbolic links a member can run into are those the same
 * layer made earlier, and those are tracked here. An import that passes never fails half way
 * through unpacking for the archive's sake, so a hostile archive is refused with nothing stored.
 *
 * <p>Rules (as {@code LayerUnpacker} applies them): a name climbing above the root is refused
 * (leading slashes are taken as relative, as every runtime does for layers); a directory on the way
 * to a member must not be a symbolic link or a non-directory the layer made; a hard link must name
 * an earlier non-directory member of the layer, by a path that does not climb out either; whiteouts
 * must name something; only the tar types the unpacker knows are allowed. One instance per layer,
 * not thread-safe.
 */
final class LayerSafety {

	private enum Kind {
		DIRECTORY, SYMLINK, OTHER
	}

	/** What the layer made at each path so far; sorted so that a subtree is one range. */
	private final TreeMap<String, Kind> made = new TreeMap<>();

	private final String layer;

	/** @param layer how error messages name the layer, e.g. "layer sha256:…" or "rootfs" */
	LayerSafety(String layer) {
		this.layer = layer;
	}

	void check(TarEntry entry) throws ArchiveRefused {
		List<String> parts = components(entry.name());
		if (parts.isEmpty()) {
			if (entry.type() != TarEntry.TYPE_DIRECTORY) {
				throw refuse(entry, "the root of a layer must be a directory");
			}
			return;
		}
		String parent = walk(entry, parts.subList(0, parts.size() - 1), true);
		String base = parts.getLast();
		if (base.startsWith(".wh.")) {
			if (base.equals(".wh..wh..opq")) {
				return;
			}
			String hidden = base.substring(4);
			if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
				throw refuse(entry, "whiteout names no file");
			}
			replace(join(parent, hidden), Kind.OTHER);
			return;
		}
		String path = join(parent, base);
		switch (entry.type()) {
			case TarEntry.TYPE_DIRECTORY -> {
				if (this.made.get(path) != Kind.DIRECTORY) {
					replace(path, Kind.DIRECTORY);
				}
			}
			case TarEntry.TYPE_SYMLINK -> replace(path, Kind.SYMLINK);
			case TarEntry.TYPE_REGULAR, TarEntry.TYPE_CHAR_DEVICE, TarEntry.TYPE_BLOCK_DEVICE, TarEntry.TYPE_FIFO ->
				replace(path, Kind.OTHER);
			case TarEntry.TYPE_HARDLINK -> {
				List<String> target = components(entry.linkName(), entry);
				if (target.isEmpty()) {
					throw refuse(entry, "hard link to the layer root");
				}
				String targetParent = walk(entry, target.subList(0, target.size() - 1), false);
				Kind kind = this.made.get(join(targetParent, target.getLast()));
				if (kind == null) {
					throw refuse(entry, "hard link target '" + entry.linkName() + "' is not in this layer");
				}
				if (kind == Kind.DIRECTORY) {
					throw refuse(entry, "hard link target '" + entry.linkName() + "' is a directory");
				}
				if (!path.equals(join(targetParent, target.getLast()))) {
					replace(path, kind);
				}
			}
			default -> throw refuse(entry, "unsupported tar member type '" + entry.type() + "'");
		}
	}

	/** Checks the directories on the way; {@code create} says whether missing ones appear (they do for members, not for link targets). */
	private String walk(TarEntry entry, List<String> parts, boolean create) throws ArchiveRefused {
		String current = "";
		for (String part : parts) {
			current = join(current, part);
			Kind kind = this.made.get(current);
			if (kind == null) {
				if (!create) {
					throw refuse(entry, "'" + current + "' does not exist in this layer");
				}
				this.made.put(current, Kind.DIRECTORY);
			}
			else if (kind == Kind.SYMLINK) {
				throw refuse(entry, "path component '" + current + "' is a symbolic link made by this layer; following it could leave the layer");
			}
			else if (kind != Kind.DIRECTORY) {
				throw refuse(entry, "path component '" + current + "' is not a directory");
			}
		}
		return current;
	}

	/** The member replaces whatever was at {@code path}, a directory with everything in it. */
	private void replace(String path, Kind kind) {
		this.made.subMap(path + "/", path + "0").clear(); // '0' sorts right after '/'
		this.made.put(path, kind);
	}

	private List<String> components(String name) throws ArchiveRefused {
		return components(name, null);
	}

	private List<String> components(String name, TarEntry entry) throws ArchiveRefused {
		if (name.indexOf('\0') >= 0) {
			throw new ArchiveRefused(this.layer + ": member name contains a NUL byte");
		}
		Deque<String> parts = new ArrayDeque<>();
		for (String part : name.split("/")) {
			if (part.isEmpty() || part.equals(".")) {
				continue;
			}
			if (part.equals("..")) {
				if (parts.isEmpty()) {
					String what = entry == null ? "'" + name + "'" : "hard link '" + entry.name() + "' to '" + name + "'";
					throw new ArchiveRefused(this.layer + ": " + what + " escapes the layer root");
				}
				parts.removeLast();
				continue;
			}
			parts.addLast(part);
		}
		return List.copyOf(parts);
	}

	private ArchiveRefused refuse(TarEntry entry, String reason) {
		return new ArchiveRefused(this.layer + ": member '" + entry.name() + "': " + reason);
	}

	private static String join(String parent, String name) {
		return parent.isEmpty() ? name : parent + "/" + name;
	}

}
