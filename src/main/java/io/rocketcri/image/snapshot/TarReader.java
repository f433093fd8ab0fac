package io.rocketcri.image.snapshot;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a tar stream member by member: POSIX ustar, PAX extended headers (local {@code x} and
 * global {@code g}), GNU long names ({@code L}, {@code K}) and GNU base-256 numbers, which covers
 * what Go's archive/tar, BuildKit, GNU tar and commons-compress write into image layers.
 *
 * <p>Why not commons-compress's {@code TarArchiveInputStream}: it decodes every PAX value as UTF-8
 * text, replacing invalid sequences, so binary {@code SCHILY.xattr.*} values such as a
 * {@code security.capability} with {@code CAP_SETUID} (byte 0x80) come out corrupted. Here PAX
 * values stay bytes; only names and numbers are decoded.
 *
 * <p>Sparse files (GNU {@code S} members, {@code GNU.sparse.*} PAX records) are refused: image
 * builders do not write them.
 *
 * <p>Public for image archives (io.rocketcri.image.archive), which read ACI, OCI layout and docker
 * save tars with the same bounds instead of a second tar parser.
 *
 * <p>Not thread-safe: one reader belongs to one unpacking thread.
 */
public final class TarReader {

	static final int BLOCK = 512;

	/** Upper bound for a PAX header or GNU long name, so a hostile layer cannot exhaust memory. */
	private static final int MAX_METADATA_SIZE = 1 << 20;

	private static final String XATTR_SCHILY = "SCHILY.xattr.";

	private static final String XATTR_LIBARCHIVE = "LIBARCHIVE.xattr.";

	private final InputStream in;

	private final Map<String, byte[]> globalPax = new LinkedHashMap<>();

	private final byte[] skipBuffer = new byte[8192];

	/** Offset of the next unread byte in the tar stream, for error messages. */
	private long offset;

	/** Content bytes of the current member not yet consumed. */
	private long remaining;

	/** Padding after the current member's content, up to the next block boundary. */
	private long padding;

	private boolean finished;

	public TarReader(InputStream in) {
		this.in = in;
	}

	/**
	 * Advances to the next member, skipping whatever the caller left of the previous one.
	 * @return the next member, or null at the end-of-archive marker (or a clean end of stream)
	 */
	public TarEntry next() throws IOException {
		skip(this.remaining + this.padding);
		this.remaining = 0;
		this.padding = 0;
		if (this.finished) {
			return null;
		}
		Map<String, byte[]> localPax = new LinkedHashMap<>();
		byte[] longName = null;
		byte[] longLink = null;
		while (true) {
			long headerOffset = this.offset;
			byte[] header = readBlock();
			if (header == null || isZero(header)) {
				if (!localPax.isEmpty() || longName != null || longLink != null) {
					throw new IOException("layer tar ends after an extended header at offset " + headerOffset);
				}
				this.finished = true;
				return null;
			}
			verifyChecksum(header, headerOffset);
			char type = (char) (header[156] & 0xff);
			long size = number(header, 124, 12, "size", headerOffset);
			switch (type) {
				case 'x' -> parsePax(readMetadata(size, headerOffset), localPax, headerOffset);
				case 'g' -> {
					parsePax(readMetadata(size, headerOffset), this.globalPax, headerOffset);
					this.globalPax.values().removeIf((value) -> value.length == 0);
				}
				case 'L' -> longName = trimNul(readMetadata(size, headerOffset));
				case 'K' -> longLink = trimNul(readMetadata(size, headerOffset));
				default -> {
					return member(header, type, size, localPax, longName, longLink, headerOffset);
				}
			}
		}
	}

	/**
	 * The content of the member {@link #next()} returned last. Reading it is optional; it ends
	 * at the member's size and must not be used after the following {@code next()}.
	 */
	public InputStream content() {
		return new InputStream() {

			@Override
			public int read() throws IOException {
				byte[] one = new byte[1];
				return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
			}

			@Override
			public int read(byte[] b, int off, int len) throws IOException {
				if (TarReader.this.remaining == 0) {
					return -1;
				}
				int n = TarReader.this.in.read(b, off, (int) Math.min(len, TarReader.this.remaining));
				if (n < 0) {
					throw new EOFException("layer tar truncated inside a member's content");
				}
				TarReader.this.remaining -= n;
				TarReader.this.offset += n;
				return n;
			}

		};
	}

	private TarEntry member(byte[] header, char type, long headerSize, Map<String, byte[]> localPax,
			byte[] longName, byte[] longLink, long headerOffset) throws IOException {
		Map<String, byte[]> pax = new LinkedHashMap<>(this.globalPax);
		pax.putAll(localPax);
		pax.values().removeIf((value) -> value.length == 0);
		for (String key : pax.keySet()) {
			if (key.startsWith("GNU.sparse.")) {
				throw new IOException("sparse files are not supported (member at offset " + headerOffset + ")");
			}
		}

		String name;
		if (pax.containsKey("path")) {
			name = utf8(pax.get("path"), "path", headerOffset);
		}
		else if (longName != null) {
			name = utf8(longName, "GNU long name", headerOffset);
		}
		else {
			name = utf8(trimNul(Arrays.copyOfRange(header, 0, 100)), "name", headerOffset);
			if (isPosixUstar(header)) {
				String prefix = utf8(trimNul(Arrays.copyOfRange(header, 345, 500)), "prefix", headerOffset);
				if (!prefix.isEmpty()) {
					name = prefix + "/" + name;
				}
			}
		}
		String linkName;
		if (pax.containsKey("linkpath")) {
			linkName = utf8(pax.get("linkpath"), "linkpath", headerOffset);
		}
		else if (longLink != null) {
			linkName = utf8(longLink, "GNU long link name", headerOffset);
		}
		else {
			linkName = utf8(trimNul(Arrays.copyOfRange(header, 157, 257)), "link name", headerOffset);
		}

		if (type == '\0' || type == '7') {
			// Pre-POSIX regular file, and "contiguous file", which every reader treats as regular.
			type = name.endsWith("/") ? TarEntry.TYPE_DIRECTORY : TarEntry.TYPE_REGULAR;
		}
		if (type == 'S') {
			throw new IOException("sparse files are not supported: " + name);
		}
		int mode = (int) (number(header, 100, 8, "mode", headerOffset) & 07777);
		long uid = pax.containsKey("uid") ? decimal(pax.get("uid"), "uid", headerOffset)
				: number(header, 108, 8, "uid", headerOffset);
		long gid = pax.containsKey("gid") ? decimal(pax.get("gid"), "gid", headerOffset)
				: number(header, 116, 8, "gid", headerOffset);
		if (uid > 0xffff_fffeL || gid > 0xffff_fffeL) {
			throw new IOException("uid/gid out of range in " + name);
		}
		long size = pax.containsKey("size") ? decimal(pax.get("size"), "size", headerOffset) : headerSize;
		long mtime = pax.containsKey("mtime") ? paxTime(pax.get("mtime"), headerOffset)
				: Math.multiplyExact(number(header, 136, 12, "mtime", headerOffset), 1_000_000_000L);
		long devMajor = number(header, 329, 8, "devmajor", headerOffset);
		long devMinor = number(header, 337, 8, "devminor", headerOffset);

		Map<String, byte[]> xattrs = new LinkedHashMap<>();
		for (Map.Entry<String, byte[]> record : pax.entrySet()) {
			String key = record.getKey();
			if (key.startsWith(XATTR_LIBARCHIVE) && key.length() > XATTR_LIBARCHIVE.length()) {
				// libarchive: name URL-encoded in the key, value base64.
				String xattr = URLDecoder.decode(key.substring(XATTR_LIBARCHIVE.length()), StandardCharsets.UTF_8);
				try {
					xattrs.put(xattr, Base64.getDecoder().decode(record.getValue()));
				}
				catch (IllegalArgumentException ex) {
					throw new IOException("invalid base64 in PAX record " + key + " of " + name, ex);
				}
			}
		}
		for (Map.Entry<String, byte[]> record : pax.entrySet()) {
			if (record.getKey().startsWith(XATTR_SCHILY) && record.getKey().length() > XATTR_SCHILY.length()) {
				xattrs.put(record.getKey().substring(XATTR_SCHILY.length()), record.getValue());
			}
		}

		// Links, directories, devices and FIFOs are header-only: content never follows them even
		// if their size field says otherwise (POSIX; Go's archive/tar reads them the same way).
		boolean headerOnly = "123456".indexOf(type) >= 0;
		long contentSize = headerOnly ? 0 : size;
		this.remaining = contentSize;
		this.padding = (BLOCK - contentSize % BLOCK) % BLOCK;
		return new TarEntry(name, type, mode, (int) uid, (int) gid, contentSize, mtime, linkName, devMajor, devMinor,
				Map.copyOf(xattrs));
	}

	/** "ustar\0" + "00" is POSIX (name prefix in 345..500); GNU's "ustar  \0" uses that area otherwise. */
	private static boolean isPosixUstar(byte[] header) {
		return header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
				&& header[261] == 'r' && header[262] == 0;
	}

	private byte[] readMetadata(long size, long headerOffset) throws IOException {
		if (size < 0 || size > MAX_METADATA_SIZE) {
			throw new IOException("extended header of " + size + " bytes at offset " + headerOffset + " is too large");
		}
		byte[] data = readFully((int) size);
		skip((BLOCK - size % BLOCK) % BLOCK);
		return data;
	}

	/** Parses PAX records {@code "<len> <key>=<value>\n"} into {@code into}; an empty value unsets. */
	private static void parsePax(byte[] data, Map<String, byte[]> into, long headerOffset) throws IOException {
		int pos = 0;
		while (pos < data.length) {
			if (data[pos] == 0) {
				break; // NUL padding some writers leave after the last record
			}
			int space = indexOf(data, (byte) ' ', pos, data.length);
			int length = space < 0 ? -1 : parseDecimal(data, pos, space);
			if (length <= 0 || pos + length > data.length || data[pos + length - 1] != '\n') {
				throw new IOException("malformed PAX record in extended header at offset " + headerOffset);
			}
			int end = pos + length - 1;
			int equals = indexOf(data, (byte) '=', space + 1, end);
			if (equals < 0) {
				throw new IOException("malformed PAX record in extended header at offset " + headerOffset);
			}
			String key = utf8(Arrays.copyOfRange(data, space + 1, equals), "PAX key", headerOffset);
			into.put(key, Arrays.copyOfRange(data, equals + 1, end));
			pos += length;
		}
	}

	private static long paxTime(byte[] value, long headerOffset) throws IOException {
		String text = new String(value, StandardCharsets.US_ASCII);
		try {
			return new BigDecimal(text).movePointRight(9).setScale(0, RoundingMode.FLOOR).longValueExact();
		}
		catch (ArithmeticException | NumberFormatException ex) {
			throw new IOException("invalid PAX mtime '" + text + "' at offset " + headerOffset, ex);
		}
	}

	private static long decimal(byte[] value, String field, long headerOffset) throws IOException {
		String text = new String(value, StandardCharsets.US_ASCII);
		try {
			long result = Long.parseLong(text);
			if (result < 0) {
				throw new NumberFormatException("negative");
			}
			return result;
		}
		catch (NumberFormatException ex) {
			throw new IOException("invalid PAX " + field + " '" + text + "' at offset " + headerOffset, ex);
		}
	}

	private static int parseDecimal(byte[] data, int from, int to) {
		if (to <= from || to - from > 9) {
			return -1;
		}
		int value = 0;
		for (int i = from; i < to; i++) {
			if (data[i] < '0' || data[i] > '9') {
				return -1;
			}
			value = value * 10 + (data[i] - '0');
		}
		return value;
	}

	/**
	 * A numeric header field: octal text terminated by NUL or space, or GNU base-256 (first byte's
	 * top bit set) for values that do not fit.
	 */
	static long number(byte[] header, int off, int len, String field, long headerOffset) throws IOException {
		if ((header[off] & 0x80) != 0) {
			if ((header[off] & 0x40) != 0) {
				throw new IOException("negative " + field + " in tar header at offset " + headerOffset);
			}
			long value = header[off] & 0x3f;
			for (int i = off + 1; i < off + len; i++) {
				if (value > (Long.MAX_VALUE >>> 8)) {
					throw new IOException(field + " overflows in tar header at offset " + headerOffset);
				}
				value = (value << 8) | (header[i] & 0xff);
			}
			return value;
		}
		int i = off;
		int end = off + len;
		while (i < end && (header[i] == ' ' || header[i] == 0)) {
			i++;
		}
		long value = 0;
		for (; i < end && header[i] != ' ' && header[i] != 0; i++) {
			if (header[i] < '0' || header[i] > '7' || value > (Long.MAX_VALUE >>> 3)) {
				throw new IOException("invalid " + field + " in tar header at offset " + headerOffset);
			}
			value = (value << 3) + (header[i] - '0');
		}
		return value;
	}

	private static void verifyChecksum(byte[] header, long headerOffset) throws IOException {
		long expected = number(header, 148, 8, "checksum", headerOffset);
		long unsigned = 0;
		long signed = 0;
		for (int i = 0; i < BLOCK; i++) {
			byte b = (i >= 148 && i < 156) ? (byte) ' ' : header[i];
			unsigned += b & 0xff;
			signed += b;
		}
		if (expected != unsigned && expected != signed) {
			throw new IOException("not a tar stream, or corrupt: bad header checksum at offset " + headerOffset);
		}
	}

	private static String utf8(byte[] bytes, String field, long headerOffset) throws IOException {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new IOException(field + " of the member at offset " + headerOffset + " is not valid UTF-8", ex);
		}
	}

	private static byte[] trimNul(byte[] bytes) {
		int nul = indexOf(bytes, (byte) 0, 0, bytes.length);
		return nul < 0 ? bytes : Arrays.copyOf(bytes, nul);
	}

	private static int indexOf(byte[] data, byte value, int from, int to) {
		for (int i = from; i < to; i++) {
			if (data[i] == value) {
				return i;
			}
		}
		return -1;
	}

	private static boolean isZero(byte[] block) {
		for (byte b : block) {
			if (b != 0) {
				return false;
			}
		}
		return true;
	}

	/** One header block, or null at a clean end of stream. */
	private byte[] readBlock() throws IOException {
		byte[] block = this.in.readNBytes(BLOCK);
		this.offset += block.length;
		if (block.length == 0) {
			return null;
		}
		if (block.length < BLOCK) {
			throw new EOFException("layer tar truncated inside a header at offset " + (this.offset - block.length));
		}
		return block;
	}

	private byte[] readFully(int size) throws IOException {
		byte[] data = this.in.readNBytes(size);
		this.offset += data.length;
		if (data.length < size) {
			throw new EOFException("layer tar truncated at offset " + this.offset);
		}
		return data;
	}

	/** Skips by reading, so that a digest computed beneath this reader sees every byte. */
	private void skip(long count) throws IOException {
		while (count > 0) {
			int n = this.in.read(this.skipBuffer, 0, (int) Math.min(this.skipBuffer.length, count));
			if (n < 0) {
				throw new EOFException("layer tar truncated at offset " + this.offset);
			}
			count -= n;
			this.offset += n;
		}
	}

}
