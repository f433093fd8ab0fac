package io.rocketcri.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * Counts the bytes read through it and reports the running total now and then (every
 * {@value #STEP} bytes), so that a progress bar moves without one call per read.
 */
final class ProgressInputStream extends FilterInputStream {

	static final long STEP = 256 * 1024;

	private final LongConsumer report;

	private long count;

	private long reported;

	ProgressInputStream(InputStream in, LongConsumer report) {
		super(in);
		this.report = report;
	}

	@Override
	public int read() throws IOException {
		int b = super.read();
		if (b >= 0) {
			advance(1);
		}
		return b;
	}

	@Override
	public int read(byte[] buffer, int offset, int length) throws IOException {
		int n = super.read(buffer, offset, length);
		if (n > 0) {
			advance(n);
		}
		return n;
	}

	private void advance(long n) {
		count += n;
		if (count - reported >= STEP) {
			reported = count;
			report.accept(count);
		}
	}

	long count() {
		return count;
	}

}
