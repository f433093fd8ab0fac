package io.rocketcri.streaming;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.rocketcri.failure.ResourceExhausted;

/**
 * Single-use tokens for streaming URLs: a token is 128 random bits (URL-safe base64), names one
 * {@link StreamRequest}, expires after its time to live and is gone once used, so a URL can be
 * neither guessed nor replayed.
 *
 * <p>Thread safety: all methods synchronize on the cache; the map is in insertion order, which is
 * expiry order because every token has the same time to live.
 */
final class TokenCache {

	private record Entry(StreamRequest request, Instant expires) {
	}

	private final SecureRandom random = new SecureRandom();

	private final Map<String, Entry> entries = new LinkedHashMap<>();

	private final Duration ttl;

	private final int capacity;

	private final Clock clock;

	TokenCache(Duration ttl, int capacity, Clock clock) {
		this.ttl = ttl;
		this.capacity = capacity;
		this.clock = clock;
	}

	/** Stores {@code request} and returns its fresh token. */
	synchronized String put(StreamRequest request) {
		Instant now = this.clock.instant();
		evictExpired(now);
		if (this.entries.size() >= this.capacity) {
			throw new ResourceExhausted("streaming: %d URLs are already waiting to be used".formatted(this.capacity));
		}
		byte[] bytes = new byte[16];
		String token;
		do {
			this.random.nextBytes(bytes);
			token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		}
		while (this.entries.containsKey(token));
		this.entries.put(token, new Entry(request, now.plus(this.ttl)));
		return token;
	}

	/** Removes and returns the request of a valid token; empty when unknown, used or expired. */
	synchronized Optional<StreamRequest> take(String token) {
		Entry entry = this.entries.remove(token);
		if (entry == null || !entry.expires().isAfter(this.clock.instant())) {
			return Optional.empty();
		}
		return Optional.of(entry.request());
	}

	synchronized int size() {
		return this.entries.size();
	}

	private void evictExpired(Instant now) {
		Iterator<Entry> it = this.entries.values().iterator();
		while (it.hasNext() && !it.next().expires().isAfter(now)) {
			it.remove();
		}
	}

}
