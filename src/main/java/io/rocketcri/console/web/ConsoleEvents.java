package io.rocketcri.console.web;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.rocketcri.container.ContainerEvent;
import io.rocketcri.events.EventBus;
import io.rocketcri.events.Watcher;
import io.rocketcri.pod.PodEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The console's one view of the runtime's changes: watches the container and pod event buses,
 * keeps the last {@value #RECENT} as {@link ConsoleEvent}s for the overview and the events page,
 * and republishes them on a bus of its own that each live page's SSE stream watches. One watcher
 * per runtime bus, however many browsers are open.
 */
@Component
class ConsoleEvents implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ConsoleEvents.class);

	static final int RECENT = 200;

	private final EventBus<ContainerEvent> containerEvents;

	private final EventBus<PodEvent> podEvents;

	private final EventBus<ConsoleEvent> out = new EventBus<>(EventBus.DEFAULT_CAPACITY);

	/** Newest last; guarded by itself. */
	private final ArrayDeque<ConsoleEvent> recent = new ArrayDeque<>();

	private volatile boolean running;

	private final List<Thread> pumps = new ArrayList<>();

	ConsoleEvents(EventBus<ContainerEvent> containerEvents, EventBus<PodEvent> podEvents) {
		this.containerEvents = containerEvents;
		this.podEvents = podEvents;
	}

	/** A watcher of everything from now on; the caller closes it. */
	Watcher<ConsoleEvent> watch() {
		return out.watch();
	}

	/** The last events, newest first. */
	List<ConsoleEvent> recent(int limit) {
		synchronized (recent) {
			List<ConsoleEvent> newestFirst = new ArrayList<>(recent).reversed();
			return newestFirst.subList(0, Math.min(limit, newestFirst.size()));
		}
	}

	/** Publishes as if the runtime had (tests, and the pumps). */
	void publish(ConsoleEvent event) {
		if (!event.kind().equals("resync")) {
			synchronized (recent) {
				recent.addLast(event);
				while (recent.size() > RECENT) {
					recent.removeFirst();
				}
			}
		}
		out.publish(event);
	}

	@Override
	public void start() {
		running = true;
		pumps.add(pump("console-container-events", containerEvents, ConsoleEvent::of));
		pumps.add(pump("console-pod-events", podEvents, ConsoleEvent::of));
	}

	private <E> Thread pump(String name, EventBus<E> bus, Function<E, ConsoleEvent> convert) {
		return Thread.ofVirtual().name(name).start(() -> {
			while (running) {
				try (Watcher<E> watcher = bus.watch()) {
					while (running) {
						Optional<E> next = watcher.next(Duration.ofSeconds(1));
						next.ifPresent(e -> publish(convert.apply(e)));
					}
				}
				catch (Watcher.WatcherOverflow ex) {
					log.warn("console: {}", ex.getMessage());
					publish(ConsoleEvent.resync(System.currentTimeMillis() * 1_000_000L));
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		});
	}

	@Override
	public void stop() {
		running = false;
		pumps.forEach(Thread::interrupt);
		pumps.clear();
	}

	@Override
	public boolean isRunning() {
		return running;
	}

}
