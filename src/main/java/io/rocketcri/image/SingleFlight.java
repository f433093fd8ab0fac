package io.rocketcri.image;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Runs one computation per key at a time; callers that arrive while it runs wait for the same
 * result. Two kubelet workers pulling the same image, or two images sharing a base layer, then
 * cost one download.
 */
final class SingleFlight<K, V> {

	private final ConcurrentHashMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();

	V run(K key, Supplier<V> work) {
		return run(key, work, () -> {
		});
	}

	/** As {@link #run(Object, Supplier)}; {@code onJoin} runs first when this call waits for another's computation. */
	V run(K key, Supplier<V> work, Runnable onJoin) {
		CompletableFuture<V> mine = new CompletableFuture<>();
		CompletableFuture<V> running = inFlight.putIfAbsent(key, mine);
		if (running != null) {
			onJoin.run();
			return await(running);
		}
		try {
			V value = work.get();
			mine.complete(value);
			return value;
		}
		catch (RuntimeException | Error ex) {
			mine.completeExceptionally(ex);
			throw ex;
		}
		finally {
			inFlight.remove(key, mine);
		}
	}

	private static <V> V await(CompletableFuture<V> running) {
		try {
			return running.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CompletionException(ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException re) {
				throw re;
			}
			if (ex.getCause() instanceof Error err) {
				throw err;
			}
			throw new CompletionException(ex.getCause());
		}
	}

}
