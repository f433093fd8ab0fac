package io.rocketcri.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import io.rocketcri.config.Json;
import tools.jackson.databind.JsonNode;

/**
 * Answers a registry's 401 challenge with an {@code Authorization} header, following the
 * distribution token protocol:
 * <ul>
 * <li>{@code Bearer} with a registry token: send that token as is;</li>
 * <li>{@code Bearer} with an identity token: OAuth2 refresh-token grant, a form POST to the
 * realm;</li>
 * <li>{@code Bearer} otherwise: GET the realm with service and scope, with Basic credentials when
 * there are any (anonymous otherwise, which public repositories accept);</li>
 * <li>{@code Basic}: the username and password themselves.</li>
 * </ul>
 */
final class Authenticator {

	/** The token protocol's default lifetime when the server does not say. */
	static final long DEFAULT_EXPIRES_IN = 60;

	/** Sent as {@code client_id} in refresh-token grants, which the protocol requires. */
	static final String CLIENT_ID = "rocket-cri";

	private static final int MAX_TOKEN_RESPONSE = 1 << 20;

	private final HttpClient http;

	private final Duration timeout;

	private final TokenCache cache;

	Authenticator(HttpClient http, Duration timeout, TokenCache cache) {
		this.http = http;
		this.timeout = timeout;
		this.cache = cache;
	}

	/**
	 * An {@code Authorization} header value and until when to reuse it.
	 * @param header e.g. {@code Bearer eyJ…}
	 * @param expires when to stop reusing it
	 */
	record Authorization(String header, Instant expires) {
	}

	/**
	 * @param challenges from the registry's 401
	 * @param credentials what to authenticate with, possibly none
	 * @param scope {@code repository:<path>:pull}
	 * @param action and {@code endpoint}: for error messages
	 * @throws RegistryException unauthorized when the challenge cannot be met
	 */
	Authorization authenticate(List<AuthChallenge> challenges, RegistryCredentials credentials, String scope,
			String action, Endpoint endpoint) throws RegistryException {
		AuthChallenge bearer = find(challenges, "bearer");
		AuthChallenge basic = find(challenges, "basic");
		String userInfo;
		try {
			userInfo = credentials.userInfo();
		}
		catch (IllegalArgumentException ex) {
			throw RegistryFailures.failure(action, endpoint, "unusable credentials: " + ex.getMessage(), 401, ex);
		}
		if (bearer != null) {
			if (!RegistryCredentials.blank(credentials.registryToken())) {
				return new Authorization("Bearer " + credentials.registryToken(), Instant.MAX);
			}
			return fetchToken(bearer, credentials, userInfo, scope, action, endpoint);
		}
		if (basic != null) {
			if (userInfo == null) {
				throw RegistryFailures.failure(action, endpoint,
						"401 Unauthorized: the registry wants Basic credentials and none were given", 401, null);
			}
			// Basic credentials do not expire; a later 401 drops them from the cache.
			return new Authorization(basicHeader(userInfo), Instant.MAX);
		}
		String offered = challenges.isEmpty() ? "no WWW-Authenticate challenge"
				: "unsupported challenge " + challenges.getFirst().scheme();
		throw RegistryFailures.failure(action, endpoint, "401 Unauthorized with " + offered, 401, null);
	}

	private Authorization fetchToken(AuthChallenge challenge, RegistryCredentials credentials, String userInfo,
			String scope, String action, Endpoint endpoint) throws RegistryException {
		URI realm;
		try {
			realm = URI.create(challenge.realm());
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw RegistryFailures.failure(action, endpoint,
					"401 Unauthorized with a Bearer challenge whose realm is not a URL: " + challenge.realm(), 401, ex);
		}
		if (!"https".equals(realm.getScheme()) && !"http".equals(realm.getScheme())) {
			throw RegistryFailures.failure(action, endpoint,
					"401 Unauthorized with a Bearer challenge whose realm is not http(s): " + realm, 401, null);
		}
		String service = challenge.service();
		StringBuilder query = new StringBuilder();
		if (service != null) {
			query.append("service=").append(encode(service)).append('&');
		}
		query.append("scope=").append(encode(scope));
		HttpRequest.Builder request;
		if (!RegistryCredentials.blank(credentials.identityToken())) {
			String form = "grant_type=refresh_token&refresh_token=" + encode(credentials.identityToken()) + "&"
					+ query + "&client_id=" + encode(CLIENT_ID);
			request = HttpRequest.newBuilder(realm)
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(form));
		}
		else {
			String separator = (realm.getRawQuery() == null) ? "?" : "&";
			request = HttpRequest.newBuilder(URI.create(realm + separator + query)).GET();
			if (userInfo != null) {
				request.header("Authorization", basicHeader(userInfo));
			}
		}
		String fetching = "fetching token for " + scope + " from " + realm.getAuthority() + ": ";
		HttpResponse<InputStream> response;
		try {
			response = this.http.send(request.timeout(this.timeout).header("Accept", "application/json").build(),
					HttpResponse.BodyHandlers.ofInputStream());
		}
		catch (IOException ex) {
			throw RegistryFailures.failure(action, endpoint,
					fetching + RegistryFailures.transportReason(realm.getAuthority(), ex), 0, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw RegistryFailures.failure(action, endpoint, fetching + "interrupted", 0, ex);
		}
		if (response.statusCode() != 200) {
			String hint = credentials.isEmpty() ? "no credentials were given" : "the credentials were refused";
			throw RegistryFailures.failure(action, endpoint,
					fetching + RegistryFailures.statusReason(response, hint), response.statusCode(), null);
		}
		JsonNode body;
		try (InputStream in = response.body()) {
			body = Json.read(in.readNBytes(MAX_TOKEN_RESPONSE));
		}
		catch (IOException ex) {
			throw RegistryFailures.failure(action, endpoint, fetching + "response is not JSON: " + ex.getMessage(), 0,
					ex);
		}
		String token = body.path("token").asString("");
		if (token.isEmpty()) {
			token = body.path("access_token").asString("");
		}
		if (token.isEmpty()) {
			throw RegistryFailures.failure(action, endpoint, fetching + "response has neither token nor access_token",
					0, null);
		}
		long expiresIn = body.path("expires_in").asLong(0);
		if (expiresIn <= 0) {
			expiresIn = DEFAULT_EXPIRES_IN;
		}
		// Stop reusing a token a little before it expires, so a request does not race its expiry.
		long margin = Math.min(10, expiresIn / 10);
		return new Authorization("Bearer " + token, this.cache.now().plusSeconds(expiresIn - margin));
	}

	private static AuthChallenge find(List<AuthChallenge> challenges, String scheme) {
		return challenges.stream().filter(c -> c.scheme().equals(scheme)).findFirst().orElse(null);
	}

	private static String basicHeader(String userInfo) {
		return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
