package io.rocketcri.image.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.rocketcri.image.snapshot.TarEntry;

/**
 * Writes a POSIX (pax) tar: a ustar header per member, preceded by a pax extended header when a
 * value does not fit ustar (long or non-ASCII names, big sizes and ids, sub-second times) or when
 * the member has extended attributes. Why not commons-compress: its pax values are Java strings,
 * and a binary {@code security.capability} xattr would not survive the round trip; here every
 * value is written as the bytes it came with, which is what {@code TarReader} reads back.
 *
 * <p>Output is a function of the input only (no clock, no user names), so the same members give
 * the same bytes and the same digests. Not thread-safe.
 */
final class TarWriter {

	private static final int BLOCK = 512;

	private static final long MAX_OCTAL_8 = 07777777L;

	private static final long MAX_OCTAL_12 = 077777777777L;

	private final OutputStream out;

	private final byte[] buffer = new byte[64 * 1024];

	TarWriter(OutputStream out) {
		this.out = out;
	}

	/** A regular file, mode 0644, owned by root, time 0: what image layouts are made of. */
	void file(String name, long size, InputStream content) throws IOException {
		write(new TarEntry(name, TarEntry.TYPE_REGULAR, 0644, 0, 0, size, 0, "", 0, 0, Map.of()), content);
	}

	/** A directory, mode 0755, owned by root, time 0. */
	void directory(String name) throws IOException {
		write(new TarEntry(name.endsWith("/") ? name : name + "/", TarEntry.TYPE_DIRECTORY, 0755, 0, 0, 0, 0, "", 0, 0,
				Map.of()), null);
	}

	/**
	 * Writes one member as described; {@code content} (exactly {@code entry.size()} bytes) for
	 * regular files, ignored otherwise.
	 */
	void write(TarEntry entry, InputStream content) throws IOException {
		byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
		byte[] link = entry.linkName().getBytes(StandardCharsets.UTF_8);
		long size = entry.type() == TarEntry.TYPE_REGULAR ? entry.size() : 0;
		long seconds = Math.floorDiv(entry.mtimeEpochNanos(), 1_000_000_000L);
		long nanos = Math.floorMod(entry.mtimeEpochNanos(), 1_000_000_000L);
		ByteArrayOutputStream pax = new ByteArrayOutputStream();
		if (name.length > 100 || !ascii(name)) {
			record(pax, "path", name);
		}
		if (link.length > 100 || !ascii(link)) {
			record(pax, "linkpath", link);
		}
		if (size > MAX_OCTAL_12) {
			record(pax, "size", Long.toString(size).getBytes(StandardCharsets.US_ASCII));
		}
		if (Integer.toUnsignedLong(entry.uid()) > MAX_OCTAL_8) {
			record(pax, "uid", Integer.toUnsignedString(entry.uid()).getBytes(StandardCharsets.US_ASCII));
		}
		if (Integer.toUnsignedLong(entry.gid()) > MAX_OCTAL_8) {
			record(pax, "gid", Integer.toUnsignedString(entry.gid()).getBytes(StandardCharsets.US_ASCII));
		}
		if (nanos != 0 || seconds < 0 || seconds > MAX_OCTAL_12) {
			String time = seconds + (nanos != 0 ? "." + String.format("%09d", nanos) : "");
			record(pax, "mtime", time.getBytes(StandardCharsets.US_ASCII));
		}
		for (Map.Entry<String, byte[]> xattr : new java.util.TreeMap<>(entry.xattrs()).entrySet()) {
			record(pax, "SCHILY.xattr." + xattr.getKey(), xattr.getValue());
		}
		if (pax.size() > 0) {
			byte[] records = pax.toByteArray();
			String paxName = "PaxHeaders/" + ascii100(entry.name());
			writeHeader(paxName.getBytes(StandardCharsets.US_ASCII), 'x', 0644, 0, 0, records.length, 0, new byte[0], 0,
					0);
			this.out.write(records);
			pad(records.length);
		}
		writeHeader(truncate(name), entry.type(), entry.mode(), entry.uid(), entry.gid(), Math.min(size, MAX_OCTAL_12),
				Math.clamp(seconds, 0, MAX_OCTAL_12), truncate(link), entry.devMajor(), entry.devMinor());
		if (size > 0) {
			long left = size;
			while (left > 0) {
				int n = content.read(this.buffer, 0, (int) Math.min(this.buffer.length, left));
				if (n < 0) {
					throw new IOException("member '" + entry.name() + "' ended " + left + " bytes before its size");
				}
				this.out.write(this.buffer, 0, n);
				left -= n;
			}
			pad(size);
		}
	}

	/** The end-of-archive marker: two zero blocks. The caller closes the stream. */
	void finish() throws IOException {
		this.out.write(new byte[2 * BLOCK]);
		this.out.flush();
	}

	private void writeHeader(byte[] name, char type, int mode, int uid, int gid, long size, long mtime, byte[] link,
			long devMajor, long devMinor) throws IOException {
		byte[] h = new byte[BLOCK];
		System.arraycopy(name, 0, h, 0, Math.min(100, name.length));
		octal(h, 100, 8, mode & 07777);
		octal(h, 108, 8, Math.min(Integer.toUnsignedLong(uid), MAX_OCTAL_8));
		octal(h, 116, 8, Math.min(Integer.toUnsignedLong(gid), MAX_OCTAL_8));
		octal(h, 124, 12, size);
		octal(h, 136, 12, mtime);
		h[156] = (byte) type;
		System.arraycopy(link, 0, h, 157, Math.min(100, link.length));
		System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
		h[263] = '0';
		h[264] = '0';
		octal(h, 329, 8, Math.min(devMajor, MAX_OCTAL_8));
		octal(h, 337, 8, Math.min(devMinor, MAX_OCTAL_8));
		for (int i = 148; i < 156; i++) {
			h[i] = ' ';
		}
		long sum = 0;
		for (byte b : h) {
			sum += b & 0xff;
		}
		octal(h, 148, 7, sum);
		h[155] = ' ';
		this.out.write(h);
	}

	/** {@code len-1} octal digits and a NUL, as ustar wants. */
	private static void octal(byte[] h, int off, int len, long value) {
		String digits = Long.toOctalString(value);
		int width = len - 1;
		String padded = "0".repeat(Math.max(0, width - digits.length())) + digits;
		byte[] bytes = padded.getBytes(StandardCharsets.US_ASCII);
		System.arraycopy(bytes, bytes.length - width, h, off, width);
		h[off + width] = 0;
	}

	/** One pax record {@code "<len> <key>=<value>\n"}, where len counts the whole record, itself included. */
	private static void record(ByteArrayOutputStream pax, String key, byte[] value) {
		byte[] body = (" " + key + "=").getBytes(StandardCharsets.UTF_8);
		int rest = body.length + value.length + 1;
		int length = rest + 1;
		while (Integer.toString(length).length() + rest != length) {
			length++;
		}
		pax.writeBytes(Integer.toString(length).getBytes(StandardCharsets.US_ASCII));
		pax.writeBytes(body);
		pax.writeBytes(value);
		pax.write('\n');
	}

	private void pad(long size) throws IOException {
		int padding = (int) ((BLOCK - size % BLOCK) % BLOCK);
		this.out.write(new byte[padding]);
	}

	private static boolean ascii(byte[] bytes) {
		for (byte b : bytes) {
			if (b < 0x20 && b != 0 || b < 0) {
				return false;
			}
		}
		return true;
	}

	private static byte[] truncate(byte[] bytes) {
		return bytes.length <= 100 ? bytes : java.util.Arrays.copyOf(bytes, 100);
	}

	private static String ascii100(String name) {
		String base = name.replaceAll("[^A-Za-z0-9._-]", "_");
		return base.length() > 80 ? base.substring(base.length() - 80) : base;
	}

}
