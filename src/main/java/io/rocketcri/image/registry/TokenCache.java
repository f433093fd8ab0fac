package io.rocketcri.image.registry;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authorization headers that worked, per registry host, scope and credentials, until they expire.
 * This is what makes a repeated pull cost a single manifest request: without it every pull
 * would first meet a 401 and fetch a token.
 *
 * <p>
 * The key includes a fingerprint of the credentials (never the secrets themselves) so that a
 * token obtained with one pod's pull secret is never handed to a pull without it.
 *
 * <p>
 * Thread-safe: shared by all pulls of a {@link RegistryClient}.
 */
final class TokenCache {

	private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

	private final Clock clock;

	TokenCache(Clock clock) {
		this.clock = clock;
	}

	/** The cached {@code Authorization} value, or null when none or expired. */
	String get(Key key) {
		Entry entry = this.entries.get(key);
		if (entry == null) {
			return null;
		}
		if (!this.clock.instant().isBefore(entry.expires())) {
			this.entries.remove(key, entry);
			return null;
		}
		return entry.authorization();
	}

	void put(Key key, String authorization, Instant expires) {
		this.entries.put(key, new Entry(authorization, expires));
	}

	/** Forget a header the registry has just refused. */
	void invalidate(Key key) {
		this.entries.remove(key);
	}

	Instant now() {
		return this.clock.instant();
	}

	/**
	 * @param host registry host the header is sent to
	 * @param scope e.g. {@code repository:library/busybox:pull}
	 * @param credentials fingerprint of the credentials used, "" for anonymous
	 */
	record Key(String host, String scope, String credentials) {
	}

	private record Entry(String authorization, Instant expires) {
	}

}
