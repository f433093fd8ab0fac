package io.rocketcri.image.snapshot;

import java.util.Map;

/**
 * One member of a layer tar, with PAX and GNU extensions already folded in.
 * @param name path as written in the archive (not normalised)
 * @param type one of the {@code TYPE_*} constants (anything else is unsupported)
 * @param mode permission bits including set-user-ID, set-group-ID and sticky ({@code 07777})
 * @param uid numeric owner (names are ignored, as every OCI runtime does)
 * @param gid numeric group
 * @param size bytes of content that follow (regular files only)
 * @param mtimeEpochNanos modification time, nanoseconds since the epoch
 * @param linkName target of a symbolic or hard link, empty otherwise
 * @param devMajor device major number (character and block devices)
 * @param devMinor device minor number
 * @param xattrs extended attributes from {@code SCHILY.xattr.*} (or {@code LIBARCHIVE.xattr.*})
 * PAX records, values as the raw bytes of the archive
 */
public record TarEntry(String name, char type, int mode, int uid, int gid, long size, long mtimeEpochNanos,
		String linkName, long devMajor, long devMinor, Map<String, byte[]> xattrs) {

	public static final char TYPE_REGULAR = '0';

	public static final char TYPE_HARDLINK = '1';

	public static final char TYPE_SYMLINK = '2';

	public static final char TYPE_CHAR_DEVICE = '3';

	public static final char TYPE_BLOCK_DEVICE = '4';

	public static final char TYPE_DIRECTORY = '5';

	public static final char TYPE_FIFO = '6';

}
