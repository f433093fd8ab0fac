package io.rocketcri.console.security;

/** The answer to creating a token: the one and only time its secret is shown. */
public record CreatedToken(ApiToken token, String secret) {
}
