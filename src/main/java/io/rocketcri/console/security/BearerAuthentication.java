package io.rocketcri.console.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A request authenticated by an API token. Its name is {@code token:<name>} so that audit lines
 * tell a CI job apart from a person.
 */
final class BearerAuthentication extends AbstractAuthenticationToken {

	private final ApiToken token;

	BearerAuthentication(ApiToken token) {
		super(token.scope().authorities());
		this.token = token;
		setAuthenticated(true);
	}

	ApiToken token() {
		return token;
	}

	@Override
	public Object getCredentials() {
		return "";
	}

	@Override
	public Object getPrincipal() {
		return "token:" + token.name();
	}

	@Override
	public String getName() {
		return "token:" + token.name();
	}

}
