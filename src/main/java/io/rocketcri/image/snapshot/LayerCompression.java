package io.rocketcri.image.snapshot;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

import com.github.luben.zstd.ZstdInputStream;

/**
 * How a layer blob is compressed, told by its first bytes rather than by the media type: registries
 * and old Docker versions are known to label gzip layers as plain tar and the other way round.
 */
public enum LayerCompression {

	NONE, GZIP, ZSTD;

	private static final int MAGIC_LENGTH = 6;

	/** Peeks at the first bytes of {@code in} (which supports mark/reset) without consuming them. */
	public static LayerCompression detect(BufferedInputStream in) throws IOException {
		in.mark(MAGIC_LENGTH);
		byte[] magic = in.readNBytes(MAGIC_LENGTH);
		in.reset();
		if (startsWith(magic, 0x1f, 0x8b)) {
			return GZIP;
		}
		// A zstd frame (28 b5 2f fd), or a skippable frame (5? 2a 4d 18) that may precede one.
		if (startsWith(magic, 0x28, 0xb5, 0x2f, 0xfd)
				|| (magic.length >= 4 && (magic[0] & 0xf0) == 0x50 && startsWith(magic, magic[0] & 0xff, 0x2a, 0x4d, 0x18))) {
			return ZSTD;
		}
		if (startsWith(magic, 0xfd, '7', 'z', 'X', 'Z', 0x00)) {
			throw new IOException("xz-compressed layers are not supported");
		}
		if (startsWith(magic, 'B', 'Z', 'h')) {
			throw new IOException("bzip2-compressed layers are not supported");
		}
		return NONE;
	}

	/** The decompressed view of {@code in}; closing it closes {@code in}. */
	public InputStream open(InputStream in) throws IOException {
		return switch (this) {
			case NONE -> in;
			// GZIPInputStream reads concatenated members, as gzip(1) and Go's gzip reader do.
			case GZIP -> new GZIPInputStream(in, 65536);
			case ZSTD -> new ZstdInputStream(in);
		};
	}

	private static boolean startsWith(byte[] data, int... prefix) {
		if (data.length < prefix.length) {
			return false;
		}
		for (int i = 0; i < prefix.length; i++) {
			if ((data[i] & 0xff) != prefix[i]) {
				return false;
			}
		}
		return true;
	}

}
