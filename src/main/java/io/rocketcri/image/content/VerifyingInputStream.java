package io.rocketcri.image.content;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes and counts what is read, and at end of stream checks both against the descriptor, so a
 * truncated or corrupted blob fails the read that would otherwise consume it (a layer must never
 * be unpacked from bytes nobody verified). Reading past the expected size fails at once.
 */
public final class VerifyingInputStream extends FilterInputStream {

	private final MessageDigest digest = Digests.sha256();

	private final String expectedDigest;

	private final long expectedSize;

	private final String what;

	private long count;

	private boolean verified;

	public VerifyingInputStream(InputStream in, String expectedDigest, long expectedSize, String what) {
		super(in);
		this.expectedDigest = expectedDigest;
		this.expectedSize = expectedSize;
		this.what = what;
	}

	@Override
	public int read() throws IOException {
		byte[] one = new byte[1];
		int n = read(one, 0, 1);
		return n < 0 ? -1 : one[0] & 0xff;
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		int n = super.read(b, off, len);
		if (n < 0) {
			verify();
			return -1;
		}
		digest.update(b, off, n);
		count += n;
		if (expectedSize >= 0 && count > expectedSize) {
			throw new DigestMismatchException(
					"%s: more than the %d bytes the descriptor promised".formatted(what, expectedSize));
		}
		return n;
	}

	@Override
	public long skip(long n) throws IOException {
		// Skipped bytes must be hashed too: read them.
		byte[] sink = new byte[8192];
		long skipped = 0;
		while (skipped < n) {
			int r = read(sink, 0, (int) Math.min(sink.length, n - skipped));
			if (r < 0) {
				break;
			}
			skipped += r;
		}
		return skipped;
	}

	/** Drains what the consumer left unread (tar padding, trailing blocks) and verifies. */
	public void drainAndVerify() throws IOException {
		byte[] sink = new byte[65536];
		while (read(sink, 0, sink.length) >= 0) {
			// keep hashing
		}
	}

	public boolean verified() {
		return verified;
	}

	public long count() {
		return count;
	}

	private void verify() throws IOException {
		if (verified) {
			return;
		}
		if (expectedSize >= 0 && count != expectedSize) {
			throw new DigestMismatchException(
					"%s: truncated: got %d of %d bytes".formatted(what, count, expectedSize));
		}
		String actual = Digests.format(digest.digest());
		if (!actual.equals(expectedDigest)) {
			throw new DigestMismatchException(
					"%s: digest mismatch: expected %s, got %s".formatted(what, expectedDigest, actual));
		}
		verified = true;
	}

	@Override
	public boolean markSupported() {
		return false;
	}

	/** The bytes are not the ones the descriptor names. */
	public static final class DigestMismatchException extends IOException {

		public DigestMismatchException(String message) {
			super(message);
		}

	}

}
