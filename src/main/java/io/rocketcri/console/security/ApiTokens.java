package io.rocketcri.console.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.failure.NotFound;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Bearer tokens for CI. A token is {@code rcri_} and 32 random bytes; only its SHA-256 is stored.
 * A fast hash is right here (unlike passwords): the secret has 256 bits of entropy, so there is
 * nothing to brute-force, and every API call pays for the lookup.
 */
@Service
public class ApiTokens {

	static final String PREFIX = "rcri_";

	private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

	private static final int MAX_NAME_LENGTH = 128;

	private final JdbcClient jdbc;

	private final SecureRandom random = new SecureRandom();

	ApiTokens(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Creates a token and returns its secret, once.
	 * @param ttl null for a token that does not expire
	 */
	public CreatedToken create(String name, TokenScope scope, Duration ttl, String createdBy) {
		if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
			throw new InvalidArgument("creating an API token: name must be 1-" + MAX_NAME_LENGTH + " characters");
		}
		if (scope == null) {
			throw new InvalidArgument("creating API token " + name + ": scope must be read or write");
		}
		if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
			throw new InvalidArgument("creating API token " + name + ": expiry must be in the future");
		}
		byte[] secretBytes = new byte[32];
		random.nextBytes(secretBytes);
		String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
		byte[] idBytes = new byte[8];
		random.nextBytes(idBytes);
		String id = HexFormat.of().formatHex(idBytes);
		Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
		Instant expires = ttl == null ? null : now.plus(ttl);
		jdbc.sql("""
				INSERT INTO api_token (id, name, token_hash, scope, created_by, created_at, expires_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)""")
			.params(id, name, sha256(secret), scope.name(), createdBy, now.toEpochMilli(),
					expires == null ? null : expires.toEpochMilli())
			.update();
		return new CreatedToken(new ApiToken(id, name, scope, createdBy, now, expires, null), secret);
	}

	public List<ApiToken> list() {
		return jdbc.sql("SELECT * FROM api_token ORDER BY created_at, id").query((rs, n) -> token(rs)).list();
	}

	/** Revokes a token at once; NotFound for an unknown id. */
	public void revoke(String id) {
		if (jdbc.sql("DELETE FROM api_token WHERE id = ?").param(id).update() == 0) {
			throw new NotFound("revoking API token " + id + ": no such token");
		}
	}

	/** The token a secret belongs to, when it exists and has not expired. */
	Optional<ApiToken> authenticate(String secret) {
		if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 100) {
			return Optional.empty();
		}
		Instant now = Instant.now();
		Optional<ApiToken> found = jdbc.sql("SELECT * FROM api_token WHERE token_hash = ?")
			.param(sha256(secret))
			.query((rs, n) -> token(rs))
			.optional()
			.filter(token -> !token.expiredAt(now));
		found.filter(token -> token.lastUsedTime() == null
				|| token.lastUsedTime().plus(LAST_USED_RESOLUTION).isBefore(now))
			.ifPresent(token -> jdbc.sql("UPDATE api_token SET last_used_at = ? WHERE id = ?")
				.params(now.toEpochMilli(), token.id())
				.update());
		return found;
	}

	private static ApiToken token(ResultSet rs) throws SQLException {
		long expires = rs.getLong("expires_at");
		Instant expiresTime = rs.wasNull() ? null : Instant.ofEpochMilli(expires);
		long lastUsed = rs.getLong("last_used_at");
		Instant lastUsedTime = rs.wasNull() ? null : Instant.ofEpochMilli(lastUsed);
		return new ApiToken(rs.getString("id"), rs.getString("name"), TokenScope.valueOf(rs.getString("scope")),
				rs.getString("created_by"), Instant.ofEpochMilli(rs.getLong("created_at")), expiresTime, lastUsedTime);
	}

	static String sha256(String secret) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every JDK", ex);
		}
	}

}
