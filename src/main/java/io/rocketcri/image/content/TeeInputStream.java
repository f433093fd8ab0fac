package io.rocketcri.image.content;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies every byte read into a sink: a layer is stored in the content store and unpacked in the
 * same pass over the network stream, instead of written first and read back.
 * {@link #close()} leaves the source open, because the caller still drains and verifies it after
 * the tar reader has stopped at the end-of-archive marker.
 */
public final class TeeInputStream extends FilterInputStream {

	private final OutputStream sink;

	public TeeInputStream(InputStream in, OutputStream sink) {
		super(in);
		this.sink = sink;
	}

	@Override
	public int read() throws IOException {
		int b = super.read();
		if (b >= 0) {
			sink.write(b);
		}
		return b;
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		int n = super.read(b, off, len);
		if (n > 0) {
			sink.write(b, off, n);
		}
		return n;
	}

	@Override
	public long skip(long n) throws IOException {
		byte[] buffer = new byte[(int) Math.min(n, 65536)];
		long skipped = 0;
		while (skipped < n) {
			int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
			if (r < 0) {
				break;
			}
			skipped += r;
		}
		return skipped;
	}

	/** Reads to the end so that the sink holds the whole stream. */
	public void drain() throws IOException {
		byte[] buffer = new byte[65536];
		while (read(buffer, 0, buffer.length) >= 0) {
			// copying into the sink
		}
	}

	@Override
	public void close() {
		// the owner closes the source after draining it
	}

	@Override
	public boolean markSupported() {
		return false;
	}

}
