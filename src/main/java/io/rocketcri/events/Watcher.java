package io.rocketcri.events;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One consumer's view of an {@link EventBus}: a bounded queue the bus fills and the consumer
 * drains from its own thread. Once the queue overflowed, the watcher is cut off for good: it
 * receives nothing more and {@link #next} reports the loss.
 */
public final class Watcher<E> implements AutoCloseable {

	private final EventBus<E> bus;

	private final ArrayBlockingQueue<E> queue;

	private final int capacity;

	private volatile boolean overflowed;

	private volatile boolean closed;

	Watcher(EventBus<E> bus, int capacity) {
		this.bus = bus;
		this.capacity = capacity;
		this.queue = new ArrayBlockingQueue<>(capacity);
	}

	/** Called by the bus, under its lock. False once the watcher is cut off or closed. */
	boolean offer(E event) {
		if (closed || overflowed) {
			return false;
		}
		if (!queue.offer(event)) {
			overflowed = true;
			queue.clear();
			return false;
		}
		return true;
	}

	/**
	 * The next event, waiting up to {@code timeout}; empty when none came (or the watcher was
	 * closed meanwhile).
	 * @throws WatcherOverflow when events were lost because this watcher fell behind
	 */
	public Optional<E> next(Duration timeout) throws InterruptedException, WatcherOverflow {
		if (overflowed) {
			throw new WatcherOverflow(capacity);
		}
		E event = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
		if (overflowed) {
			throw new WatcherOverflow(capacity); // what we would hand out now is no longer followed by the rest
		}
		return Optional.ofNullable(event);
	}

	/** Whether the watcher fell behind and was cut off; {@link #next} then throws. */
	public boolean isOverflowed() {
		return overflowed;
	}

	public boolean isClosed() {
		return closed;
	}

	/** Stops receiving events; idempotent. */
	@Override
	public void close() {
		closed = true;
		bus.remove(this);
		queue.clear();
	}

	/** The watcher fell more than its queue's length behind; the events after that were not kept for it. */
	public static final class WatcherOverflow extends Exception {

		WatcherOverflow(int capacity) {
			super("the watcher fell more than " + capacity + " events behind; events were lost, relist and watch again");
		}

	}

}
