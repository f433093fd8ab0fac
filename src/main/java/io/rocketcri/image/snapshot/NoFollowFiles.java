package io.rocketcri.image.snapshot;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * File operations that never follow a symbolic link, for trees whose content came from an image
 * and must be treated as hostile (a layer may plant {@code etc -> /etc}).
 */
final class NoFollowFiles {

	private NoFollowFiles() {
	}

	/** The attributes of {@code path} itself (a link is reported as a link), or null if absent. */
	static BasicFileAttributes lstat(Path path) throws IOException {
		try {
			return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
	}

	/**
	 * Deletes {@code path} and, if it is a real directory, everything below it. Symbolic links are
	 * deleted, never followed. Directories lacking owner rwx (an image may ship {@code 0555}
	 * dirs) get it first, so that this works without CAP_DAC_OVERRIDE too. Absent is fine.
	 */
	static void deleteRecursively(Path path) throws IOException {
		BasicFileAttributes attributes = lstat(path);
		if (attributes == null) {
			return;
		}
		if (attributes.isDirectory()) {
			int mode = (int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
			if ((mode & 0700) != 0700) {
				// lstat said directory, not link: chmod cannot be redirected here.
				Files.setAttribute(path, "unix:mode", (mode & 07777) | 0700);
			}
			try (DirectoryStream<Path> children = Files.newDirectoryStream(path)) {
				for (Path child : children) {
					deleteRecursively(child);
				}
			}
		}
		Files.deleteIfExists(path);
	}

}
