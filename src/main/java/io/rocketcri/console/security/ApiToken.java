package io.rocketcri.console.security;

import java.time.Instant;

/**
 * A bearer token as listed: never the token itself, which exists only in the answer that
 * created it.
 *
 * @param expiresTime null when the token does not expire
 * @param lastUsedTime null when never used (updated at most once a minute)
 */
public record ApiToken(String id, String name, TokenScope scope, String createdBy, Instant createdTime,
		Instant expiresTime, Instant lastUsedTime) {

	boolean expiredAt(Instant now) {
		return expiresTime != null && !now.isBefore(expiresTime);
	}

}
