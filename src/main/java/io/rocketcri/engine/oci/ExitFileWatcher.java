package io.rocketcri.engine.oci;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One inotify watch (a JDK {@link WatchService}) on conmon's exit directory, shared by everyone
 * waiting for a container to exit, instead of a watch service (and its poller thread) per waiter.
 * conmon writes {@code <exit-dir>/<id>} through a temporary file and a rename, which the watch
 * reports as a create of the final name.
 *
 * <p>Waiters still re-check the file now and then ({@link #pollInterval()}): an inotify queue
 * overflow, or an exit written before the watch was registered, must not leave them hanging.
 * When no watch can be had (the inotify instance limit), the interval drops to 50 ms and this
 * class is merely a poller.
 */
final class ExitFileWatcher implements AutoCloseable {

	private final Path exitDir;

	/** Waiters by container id; futures are completed (never failed) by the watch thread. */
	private final Map<String, List<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();

	/** Guarded by {@code this}: the watch is set up lazily by the first waiter, once. */
	private boolean started;

	/** Guarded by {@code this}; null when no watch could be had. */
	private WatchService watchService;

	private volatile boolean watching;

	ExitFileWatcher(Path exitDir) {
		this.exitDir = exitDir;
	}

	/**
	 * A future completed when {@code <exit-dir>/<id>} is created or changed. The caller checks
	 * the file after registering (so an exit just before is not missed) and must call
	 * {@link #forget} when done.
	 */
	CompletableFuture<Void> watch(String id) {
		startIfNeeded();
		CompletableFuture<Void> signal = new CompletableFuture<>();
		this.waiters.computeIfAbsent(id, (k) -> new CopyOnWriteArrayList<>()).add(signal);
		return signal;
	}

	void forget(String id, CompletableFuture<Void> signal) {
		this.waiters.computeIfPresent(id, (k, list) -> {
			list.remove(signal);
			return list.isEmpty() ? null : list;
		});
	}

	/** How often a waiter re-checks the file by itself. */
	Duration pollInterval() {
		return this.watching ? Duration.ofSeconds(1) : Duration.ofMillis(50);
	}

	private synchronized void startIfNeeded() {
		if (this.started) {
			return;
		}
		this.started = true;
		try {
			Files.createDirectories(this.exitDir);
			this.watchService = this.exitDir.getFileSystem().newWatchService();
			this.exitDir.register(this.watchService, StandardWatchEventKinds.ENTRY_CREATE,
					StandardWatchEventKinds.ENTRY_MODIFY);
			this.watching = true;
			WatchService service = this.watchService;
			Thread.ofVirtual().name("exit-file-watcher").start(() -> run(service));
		}
		catch (IOException ex) {
			// no watch: waiters poll every 50 ms instead
			this.watching = false;
		}
	}

	private void run(WatchService service) {
		try {
			while (true) {
				WatchKey key = service.take();
				for (WatchEvent<?> event : key.pollEvents()) {
					if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
						this.waiters.keySet().stream()
							.filter((id) -> Files.exists(this.exitDir.resolve(id)))
							.forEach(this::signal);
					}
					else if (event.context() instanceof Path name) {
						signal(name.toString());
					}
				}
				if (!key.reset()) {
					// the exit directory went away: waiters fall back to polling
					this.watching = false;
					return;
				}
			}
		}
		catch (InterruptedException | ClosedWatchServiceException ex) {
			this.watching = false;
		}
	}

	private void signal(String id) {
		List<CompletableFuture<Void>> list = this.waiters.get(id);
		if (list != null) {
			list.forEach((signal) -> signal.complete(null));
		}
	}

	@Override
	public synchronized void close() {
		this.watching = false;
		if (this.watchService != null) {
			try {
				this.watchService.close();
			}
			catch (IOException ex) {
				// closing an inotify descriptor does not fail in a way we could act on
			}
		}
	}

}
