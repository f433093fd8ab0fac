package io.rocketcri.network;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per key, created on demand and dropped when nobody holds or waits for it, so that
 * locking pod ids does not grow a map forever. ReentrantLock rather than synchronized: holders
 * block on plugin processes, and virtual threads park cheaply on it.
 */
final class KeyedLocks {

	private static final class Entry {

		final ReentrantLock lock = new ReentrantLock();

		/** Guarded by the map's compute: holders plus waiters. */
		int users;

	}

	private final ConcurrentHashMap<String, Entry> locks = new ConcurrentHashMap<>();

	/** A held lock; closing releases it. */
	interface Held extends AutoCloseable {

		@Override
		void close();

	}

	Held lock(String key) {
		Entry entry = this.locks.compute(key, (k, e) -> {
			Entry use = e != null ? e : new Entry();
			use.users++;
			return use;
		});
		entry.lock.lock();
		return () -> {
			entry.lock.unlock();
			this.locks.compute(key, (k, e) -> --e.users == 0 ? null : e);
		};
	}

	/** Keys currently locked or waited for (for tests). */
	int size() {
		return this.locks.size();
	}

}
