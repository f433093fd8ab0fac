package io.rocketcri.events;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fans events out to watchers (GetContainerEvents streams, console pages) without ever making the
 * publisher wait: each watcher has its own bounded queue, and a watcher that falls so far behind
 * that its queue is full is cut off ({@link Watcher#next} then throws {@link Watcher.WatcherOverflow})
 * instead of silently missing events or holding up the runtime. A cut-off watcher relists and
 * watches again, as kubelet's evented PLEG does after a stream error.
 *
 * <p>Order: {@link #publish} is serialised, so every watcher sees the events in one order, the
 * order of the publish calls. Publishers publish a state change while holding whatever orders
 * their state changes (see ContainerService), so that order is the order of the changes.
 *
 * @param <E> immutable event snapshots: the same instance goes to every watcher
 */
public final class EventBus<E> {

	/** Queue length per watcher when none is given. */
	public static final int DEFAULT_CAPACITY = 1024;

	private final int capacity;

	private final CopyOnWriteArrayList<Watcher<E>> watchers = new CopyOnWriteArrayList<>();

	public EventBus(int capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("watcher capacity must be at least 1: " + capacity);
		}
		this.capacity = capacity;
	}

	/** A new watcher that receives every event published from now on, until it is closed or cut off. */
	public Watcher<E> watch() {
		Watcher<E> watcher = new Watcher<>(this, capacity);
		watchers.add(watcher);
		return watcher;
	}

	/** Hands the event to every watcher; never blocks. A watcher with a full queue is cut off. */
	public synchronized void publish(E event) {
		for (Watcher<E> w : watchers) {
			if (!w.offer(event)) {
				watchers.remove(w);
			}
		}
	}

	public int watcherCount() {
		return watchers.size();
	}

	void remove(Watcher<E> watcher) {
		watchers.remove(watcher);
	}

}
