package io.rocketcri.image.snapshot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

import com.github.luben.zstd.ZstdOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Builds layer tars in memory with commons-compress's writer (an independent implementation from
 * our reader), then compresses them as a registry would serve them. Names are written verbatim,
 * absolute and ".." names included, as a hostile layer would.
 */
final class TestLayer {

	static final Instant MTIME = Instant.parse("2020-01-02T03:04:05Z");

	private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

	private final TarArchiveOutputStream tar;

	TestLayer() {
		this(TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.BIGNUMBER_POSIX);
	}

	TestLayer(int longFileMode, int bigNumberMode) {
		this.tar = new TarArchiveOutputStream(this.bytes);
		this.tar.setLongFileMode(longFileMode);
		this.tar.setBigNumberMode(bigNumberMode);
	}

	TestLayer dir(String name) {
		return dir(name, (e) -> {
		});
	}

	TestLayer dir(String name, Consumer<TarArchiveEntry> customizer) {
		TarArchiveEntry entry = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true);
		entry.setMode(0755);
		return put(entry, null, customizer);
	}

	TestLayer file(String name, String content) {
		return file(name, content.getBytes(StandardCharsets.UTF_8), (e) -> {
		});
	}

	TestLayer file(String name, byte[] content, Consumer<TarArchiveEntry> customizer) {
		TarArchiveEntry entry = new TarArchiveEntry(name, true);
		entry.setMode(0644);
		entry.setSize(content.length);
		return put(entry, content, customizer);
	}

	TestLayer symlink(String name, String target) {
		TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
		entry.setLinkName(target);
		entry.setMode(0777);
		return put(entry, null, (e) -> {
		});
	}

	TestLayer hardlink(String name, String target) {
		TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
		entry.setLinkName(target);
		return put(entry, null, (e) -> {
		});
	}

	TestLayer charDevice(String name, int major, int minor) {
		TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_CHR, true);
		entry.setMode(0666);
		entry.setDevMajor(major);
		entry.setDevMinor(minor);
		return put(entry, null, (e) -> {
		});
	}

	TestLayer fifo(String name) {
		TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_FIFO, true);
		entry.setMode(0600);
		return put(entry, null, (e) -> {
		});
	}

	/**
	 * A PAX extended header with raw byte values, as Go's archive/tar writes binary xattrs; it
	 * applies to the next member. commons-compress can only write PAX values from Strings.
	 */
	TestLayer rawPax(Map<String, byte[]> records) {
		return rawPax(TarConstants.LF_PAX_EXTENDED_HEADER_LC, records);
	}

	/** A global PAX header ({@code 'g'}): its records apply to every later member. */
	TestLayer globalPax(String key, String value) {
		TarArchiveEntry global = new TarArchiveEntry("GlobalHead", TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER);
		global.addPaxHeader(key, value);
		try {
			// written whole by putArchiveEntry; there is no entry to close afterwards
			this.tar.putArchiveEntry(global);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return this;
	}

	private TestLayer rawPax(byte type, Map<String, byte[]> records) {
		ByteArrayOutputStream pax = new ByteArrayOutputStream();
		for (Map.Entry<String, byte[]> record : records.entrySet()) {
			byte[] body = (" " + record.getKey() + "=").getBytes(StandardCharsets.UTF_8);
			int length = body.length + record.getValue().length + 1;
			// the length field counts its own digits
			int total = length + String.valueOf(length).length();
			if (String.valueOf(total).length() != String.valueOf(length).length()) {
				total++;
			}
			pax.writeBytes(String.valueOf(total).getBytes(StandardCharsets.US_ASCII));
			pax.writeBytes(body);
			pax.writeBytes(record.getValue());
			pax.write('\n');
		}
		TarArchiveEntry header = new TarArchiveEntry("PaxHeaders/x", type);
		header.setSize(pax.size());
		return put(header, pax.toByteArray(), (e) -> {
		});
	}

	TestLayer put(TarArchiveEntry entry, byte[] content, Consumer<TarArchiveEntry> customizer) {
		entry.setModTime(java.nio.file.attribute.FileTime.from(MTIME));
		customizer.accept(entry);
		try {
			this.tar.putArchiveEntry(entry);
			if (content != null) {
				this.tar.write(content);
			}
			this.tar.closeArchiveEntry();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return this;
	}

	/** The finished, uncompressed tar. */
	byte[] tar() {
		try {
			this.tar.finish();
			this.tar.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return this.bytes.toByteArray();
	}

	static byte[] gzip(byte[] data) {
		return compress(data, GZIPOutputStream::new);
	}

	static byte[] zstd(byte[] data) {
		return compress(data, ZstdOutputStream::new);
	}

	static String sha256(byte[] data) {
		try {
			return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static Map<String, byte[]> records(Object... keysAndValues) {
		Map<String, byte[]> records = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			Object value = keysAndValues[i + 1];
			records.put((String) keysAndValues[i],
					value instanceof byte[] raw ? raw : value.toString().getBytes(StandardCharsets.UTF_8));
		}
		return records;
	}

	private interface Compressor {

		OutputStream wrap(OutputStream out) throws IOException;

	}

	private static byte[] compress(byte[] data, Compressor compressor) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (OutputStream compressed = compressor.wrap(out)) {
			compressed.write(data);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

}
