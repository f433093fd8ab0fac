package io.rocketcri.pod;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** A lock per key (pod name, pod id), so lifecycle calls on one pod serialise and others run in parallel. */
final class KeyedLocks {

	private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

	<T> T with(String key, Supplier<T> work) {
		ReentrantLock lock = locks.computeIfAbsent(key, k -> new ReentrantLock());
		lock.lock();
		try {
			return work.get();
		}
		finally {
			lock.unlock();
		}
	}

}
