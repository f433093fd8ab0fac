package io.rocketcri.events;

import java.util.ArrayDeque;
import java.util.List;
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
 * <p>History: a bus made with a history size keeps its last events ({@link #recent}) for pages
 * that show what happened lately, and hands them out together with a new watcher
 * ({@link #watchWithRecent}) so that "recent, then live" has neither gap nor duplicate.
 *
 * @param <E> immutable event snapshots: the same instance goes to every watcher
 */
public final class EventBus<E> {

	/** Queue length per watcher when none is given. */
	public static final int DEFAULT_CAPACITY = 1024;

	private final int capacity;

	private final CopyOnWriteArrayList<Watcher<E>> watchers = new CopyOnWriteArrayList<>();

	private final int historySize;

	/** The last {@link #historySize} events, oldest first. Guarded by this. */
	private final ArrayDeque<E> history;

	public EventBus(int capacity) {
		this(capacity, 0);
	}

	/** @param historySize how many of the last events {@link #recent} keeps; 0 for none */
	public EventBus(int capacity, int historySize) {
		if (capacity < 1) {
			throw new IllegalArgumentException("watcher capacity must be at least 1: " + capacity);
		}
		if (historySize < 0) {
			throw new IllegalArgumentException("history size must not be negative: " + historySize);
		}
		this.capacity = capacity;
		this.historySize = historySize;
		this.history = new ArrayDeque<>(historySize);
	}

	/** A new watcher that receives every event published from now on, until it is closed or cut off. */
	public Watcher<E> watch() {
		Watcher<E> watcher = new Watcher<>(this, capacity);
		watchers.add(watcher);
		return watcher;
	}

	/** The last events published, oldest first; at most the history size given at construction. */
	public synchronized List<E> recent() {
		return List.copyOf(history);
	}

	/** The recent events and a watcher that receives every event after them, taken atomically. */
	public synchronized Replay<E> watchWithRecent() {
		return new Replay<>(List.copyOf(history), watch());
	}

	/** @param recent events before the watcher's first, oldest first */
	public record Replay<E>(List<E> recent, Watcher<E> watcher) {
	}

	/** Hands the event to every watcher; never blocks. A watcher with a full queue is cut off. */
	public synchronized void publish(E event) {
		if (historySize > 0) {
			if (history.size() == historySize) {
				history.removeFirst();
			}
			history.addLast(event);
		}
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
