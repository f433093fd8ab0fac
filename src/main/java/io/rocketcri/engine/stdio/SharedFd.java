package io.rocketcri.engine.stdio;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A descriptor used by several threads (the output reader, the stdin writer, a resize): each
 * holds a reference while it uses the number, and the last one to let go closes it. So no thread
 * ever reads or writes a number the kernel has meanwhile handed to someone else.
 */
public final class SharedFd {

	private final int fd;

	/** References held; 0 means closed for good. Starts at 1, the owner's. */
	private final AtomicInteger refs = new AtomicInteger(1);

	public SharedFd(int fd) {
		this.fd = fd;
	}

	/** Takes a reference; false when the descriptor is already closed. */
	public boolean acquire() {
		while (true) {
			int n = this.refs.get();
			if (n == 0) {
				return false;
			}
			if (this.refs.compareAndSet(n, n + 1)) {
				return true;
			}
		}
	}

	/** Gives a reference back; the last one closes the descriptor. */
	public void release() {
		if (this.refs.decrementAndGet() == 0) {
			NativeIo.close(this.fd);
		}
	}

	/** The number; only valid while the caller holds a reference. */
	public int fd() {
		return this.fd;
	}

}
