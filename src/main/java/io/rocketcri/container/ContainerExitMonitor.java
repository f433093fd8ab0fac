package io.rocketcri.container;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.rocketcri.store.BootGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Notices containers that exit on their own, so that CONTAINER_STOPPED_EVENT goes out (and the
 * store records the exit) without anyone calling ContainerStatus. One thread checks the exit
 * files of running containers every {@link #interval}: a file read per running container, no
 * thread or watch per container. It waits for the boot gate: before it opens the store is not
 * loaded.
 */
final class ContainerExitMonitor implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ContainerExitMonitor.class);

	private final ContainerService containers;

	private final BootGate gate;

	private final Duration interval;

	/** Guarded by {@code this}; null while stopped. */
	private ScheduledExecutorService timer;

	ContainerExitMonitor(ContainerService containers, BootGate gate, Duration interval) {
		this.containers = containers;
		this.gate = gate;
		this.interval = interval;
	}

	@Override
	public synchronized void start() {
		timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
			.name("container-exit-monitor")
			.daemon(true)
			.factory());
		timer.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void check() {
		if (!gate.isOpen()) {
			return;
		}
		try {
			containers.recordExits();
		}
		catch (RuntimeException ex) {
			// keep the schedule: a failed round must not end the monitor
			log.warn("checking running containers for exits: {}", ex.getMessage(), ex);
		}
	}

	@Override
	public synchronized void stop() {
		if (timer != null) {
			timer.shutdownNow();
			timer = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return timer != null;
	}

}
