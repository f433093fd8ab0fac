package io.rocketcri.image.snapshot;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Computes the sha256 and byte count of everything read through it (skips are read too). */
final class DigestingInputStream extends FilterInputStream {

	private final MessageDigest sha256;

	private long count;

	DigestingInputStream(InputStream in) {
		super(in);
		try {
			this.sha256 = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JDK has SHA-256", ex);
		}
	}

	@Override
	public int read() throws IOException {
		int b = this.in.read();
		if (b >= 0) {
			this.sha256.update((byte) b);
			this.count++;
		}
		return b;
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		int n = this.in.read(b, off, len);
		if (n > 0) {
			this.sha256.update(b, off, n);
			this.count += n;
		}
		return n;
	}

	@Override
	public long skip(long n) throws IOException {
		byte[] buffer = new byte[(int) Math.min(8192, Math.max(n, 1))];
		long skipped = 0;
		while (skipped < n) {
			int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
			if (read < 0) {
				break;
			}
			skipped += read;
		}
		return skipped;
	}

	@Override
	public boolean markSupported() {
		return false;
	}

	/** Reads and digests whatever is left (e.g. the zero blocks after a tar's end marker). */
	void drain() throws IOException {
		byte[] buffer = new byte[65536];
		while (read(buffer, 0, buffer.length) >= 0) {
			// digesting is the point
		}
	}

	/** {@code "sha256:<hex>"} of the bytes read so far; call once, at the end. */
	String digest() {
		return "sha256:" + HexFormat.of().formatHex(this.sha256.digest());
	}

	long count() {
		return this.count;
	}

}
