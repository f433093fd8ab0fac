package io.rocketcri.console.api;

import java.time.Duration;
import java.util.List;

import io.rocketcri.console.security.ApiToken;
import io.rocketcri.console.security.ApiTokens;
import io.rocketcri.console.security.CreatedToken;
import io.rocketcri.console.security.TokenScope;
import io.rocketcri.failure.InvalidArgument;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/tokens}: bearer tokens for CI, managed by an admin signed in to the console. */
@RestController
@RequestMapping("/api/v1/tokens")
class TokensController {

	/** A token that never expires is a decision, not a default. */
	private static final long MAX_EXPIRES_IN_DAYS = 3650;

	private final ApiTokens tokens;

	TokensController(ApiTokens tokens) {
		this.tokens = tokens;
	}

	/**
	 * @param scope {@code read} or {@code write}
	 * @param expiresInDays null or 0 for a token without expiry
	 */
	record CreateTokenRequest(String name, String scope, Long expiresInDays) {
	}

	/** The secret appears here and nowhere else, ever. */
	record CreatedTokenResponse(ApiToken token, String secret) {
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	CreatedTokenResponse create(@RequestBody CreateTokenRequest request, Authentication who) {
		TokenScope scope = TokenScope.parse(request.scope());
		if (scope == null) {
			throw new InvalidArgument("scope: must be read or write, got " + request.scope());
		}
		Long days = request.expiresInDays();
		if (days != null && (days < 0 || days > MAX_EXPIRES_IN_DAYS)) {
			throw new InvalidArgument("expiresInDays: must be between 0 (no expiry) and " + MAX_EXPIRES_IN_DAYS);
		}
		Duration ttl = days == null || days == 0 ? null : Duration.ofDays(days);
		CreatedToken created = tokens.create(request.name(), scope, ttl, who.getName());
		return new CreatedTokenResponse(created.token(), created.secret());
	}

	@GetMapping
	List<ApiToken> list() {
		return tokens.list();
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void revoke(@PathVariable String id) {
		tokens.revoke(id);
	}

}
