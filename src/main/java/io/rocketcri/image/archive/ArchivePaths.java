package io.rocketcri.image.archive;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Names of members of an image archive (not of a layer), normalised lexically: "./" and empty
 * components dropped, ".." applied. Stricter than layers: an archive member is never absolute and
 * never climbs out, because a well-formed ACI, OCI layout or docker save archive has no reason to.
 */
final class ArchivePaths {

	private ArchivePaths() {
	}

	/** {@code "./blobs//sha256/ab"} → {@code "blobs/sha256/ab"}; the archive root is "". */
	static String normalise(String name) throws ArchiveRefused {
		if (name.indexOf('\0') >= 0) {
			throw new ArchiveRefused("member name contains a NUL byte");
		}
		if (name.startsWith("/")) {
			throw new ArchiveRefused("member '" + name + "' has an absolute path");
		}
		return join(resolve(new ArrayDeque<>(), name, name));
	}

	/** Where a symbolic link at {@code linkName} pointing to {@code target} leads, inside the archive. */
	static String resolveLink(String linkName, String target) throws ArchiveRefused {
		if (target.startsWith("/")) {
			throw new ArchiveRefused("link '" + linkName + "' points to the absolute path '" + target + "'");
		}
		Deque<String> parts = new ArrayDeque<>();
		String parent = linkName.contains("/") ? linkName.substring(0, linkName.lastIndexOf('/')) : "";
		resolve(parts, parent, linkName);
		return join(resolve(parts, target, linkName));
	}

	private static Deque<String> resolve(Deque<String> parts, String name, String member) throws ArchiveRefused {
		for (String part : name.split("/")) {
			if (part.isEmpty() || part.equals(".")) {
				continue;
			}
			if (part.equals("..")) {
				if (parts.isEmpty()) {
					throw new ArchiveRefused("member '" + member + "' escapes the archive root");
				}
				parts.removeLast();
				continue;
			}
			parts.addLast(part);
		}
		return parts;
	}

	private static String join(Deque<String> parts) {
		return String.join("/", parts);
	}

}
