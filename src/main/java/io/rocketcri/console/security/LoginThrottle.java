package io.rocketcri.console.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.stereotype.Component;

/**
 * Locks a user name for a while after repeated wrong passwords, so that a console reachable from
 * a network cannot be brute-forced at line speed. Kept in memory: a restart forgives, which is
 * the operator's way out too.
 */
@Component
class LoginThrottle {

	private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

	static final int MAX_FAILURES = 5;

	static final Duration WINDOW = Duration.ofMinutes(5);

	static final int MAX_TRACKED_NAMES = 10_000;

	private final Clock clock;

	/** user name → times of recent failures; each deque guarded by itself. */
	private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

	LoginThrottle() {
		this(Clock.systemUTC());
	}

	LoginThrottle(Clock clock) {
		this.clock = clock;
	}

	boolean isLocked(String username) {
		Deque<Instant> times = failures.get(username);
		if (times == null) {
			return false;
		}
		synchronized (times) {
			prune(times);
			return times.size() >= MAX_FAILURES;
		}
	}

	void failed(String username) {
		if (failures.size() > MAX_TRACKED_NAMES) {
			// random names must not grow this map without bound; forget the quiet ones
			failures.values().removeIf(times -> {
				synchronized (times) {
					prune(times);
					return times.isEmpty();
				}
			});
		}
		Deque<Instant> times = failures.computeIfAbsent(username, k -> new ArrayDeque<>());
		synchronized (times) {
			prune(times);
			times.addLast(clock.instant());
			if (times.size() == MAX_FAILURES) {
				log.warn("console sign-in: user {} locked for {} after {} wrong passwords", username, WINDOW,
						MAX_FAILURES);
			}
		}
	}

	void succeeded(String username) {
		failures.remove(username);
	}

	@EventListener
	void on(AuthenticationFailureBadCredentialsEvent event) {
		failed(event.getAuthentication().getName());
	}

	@EventListener
	void on(AuthenticationSuccessEvent event) {
		succeeded(event.getAuthentication().getName());
	}

	private void prune(Deque<Instant> times) {
		Instant horizon = clock.instant().minus(WINDOW);
		while (!times.isEmpty() && times.peekFirst().isBefore(horizon)) {
			times.removeFirst();
		}
	}

}
