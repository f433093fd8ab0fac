package io.rocketcri.image.registry;

import io.rocketcri.image.reference.ImageReference;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@link PullSession} over java.net.http. Each request first carries the cached
 * {@code Authorization} for its host and scope (so a repeated pull costs one request); on a 401
 * it answers the challenge once through the {@link Authenticator} and retries.
 */
final class RegistryPullSession implements PullSession {

	/** Manifests are small; a cap keeps a hostile registry from filling the heap (containerd uses 4 MiB too). */
	static final int MAX_MANIFEST_BYTES = 4 << 20;

	private static final int MAX_REDIRECTS = 10;

	/** Nested indexes are legal but rare; bound them so a cycle cannot loop. */
	private static final int MAX_INDEX_DEPTH = 4;

	private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

	private static final String USER_AGENT = "rocket-cri";

	private final HttpClient http;

	private final Duration timeout;

	private final TokenCache tokens;

	private final Authenticator authenticator;

	private final DockerConfigCredentials dockerConfig;

	private final ImageReference ref;

	private final List<Endpoint> endpoints;

	private final RegistryCredentials explicit;

	private final String blockedBy;

	/** Written by whichever thread fetched a manifest last, read by blob threads. */
	private volatile Endpoint used;

	RegistryPullSession(HttpClient http, Duration timeout, TokenCache tokens, DockerConfigCredentials dockerConfig,
			ImageReference ref, List<Endpoint> endpoints, RegistryCredentials explicit, String blockedBy) {
		this.http = http;
		this.timeout = timeout;
		this.tokens = tokens;
		this.authenticator = new Authenticator(http, timeout, tokens);
		this.dockerConfig = dockerConfig;
		this.ref = ref;
		this.endpoints = List.copyOf(endpoints);
		this.explicit = (explicit != null) ? explicit : RegistryCredentials.NONE;
		this.blockedBy = blockedBy;
	}

	@Override
	public Manifest manifest(String tagOrDigest) throws RegistryException {
		boolean byDigest = tagOrDigest.indexOf(':') >= 0;
		if (byDigest ? !Digests.valid(tagOrDigest) : !TAG.matcher(tagOrDigest).matches()) {
			throw new IllegalArgumentException("\"" + tagOrDigest + "\" is neither a tag nor a sha256/sha512 digest");
		}
		String action = "pulling manifest " + this.ref.repository() + (byDigest ? "@" : ":") + tagOrDigest;
		checkNotBlocked(action);
		List<RegistryException> failures = new ArrayList<>();
		for (Endpoint endpoint : inOrder()) {
			try {
				Manifest manifest = fetchManifest(endpoint, tagOrDigest, byDigest, action);
				this.used = endpoint;
				return manifest;
			}
			catch (RegistryException ex) {
				failures.add(ex);
			}
		}
		throw RegistryFailures.allFailed(failures);
	}

	@Override
	public Manifest resolvePlatform(Manifest index, Platform platform) throws RegistryException {
		Manifest manifest = index;
		for (int depth = 0; manifest.isIndex(); depth++) {
			if (depth == MAX_INDEX_DEPTH) {
				throw new RegistryException("resolving " + platform + " in " + this.ref + ": indexes nested deeper than "
						+ MAX_INDEX_DEPTH, endpointUsed(), 0);
			}
			Manifest current = manifest;
			Descriptor child = PlatformMatcher.select(current.manifests(), platform)
				.orElseThrow(() -> new RegistryException(
						"no manifest for " + platform.normalised() + " in " + this.ref + ", available: "
								+ String.join(", ", PlatformMatcher.available(current.manifests())),
						endpointUsed(), 0));
			manifest = manifest(child.digest());
		}
		return manifest;
	}

	@Override
	public InputStream openBlob(Descriptor descriptor) throws RegistryException {
		String digest = descriptor.digest();
		if (!Digests.valid(digest)) {
			throw new IllegalArgumentException("blob digest \"" + digest + "\" is not a sha256/sha512 digest");
		}
		String action = "pulling blob " + digest + " of " + this.ref.repository();
		checkNotBlocked(action);
		List<RegistryException> failures = new ArrayList<>();
		for (Endpoint endpoint : inOrder()) {
			try {
				HttpResponse<InputStream> response = send(endpoint, endpoint.repositoryUri("blobs/" + digest), null,
						action);
				if (response.statusCode() == 200) {
					return response.body();
				}
				throw RegistryFailures.status(action, endpoint, response, null);
			}
			catch (RegistryException ex) {
				failures.add(ex);
			}
		}
		throw RegistryFailures.allFailed(failures);
	}

	@Override
	public String endpointUsed() {
		Endpoint endpoint = this.used;
		return (endpoint != null) ? endpoint.host() : null;
	}

	/** The endpoint that served the last manifest first (it has the content), then the configured order. */
	private List<Endpoint> inOrder() {
		Endpoint first = this.used;
		if (first == null) {
			return this.endpoints;
		}
		List<Endpoint> order = new ArrayList<>(this.endpoints.size());
		order.add(first);
		this.endpoints.stream().filter(e -> !e.equals(first)).forEach(order::add);
		return order;
	}

	private void checkNotBlocked(String action) throws RegistryException {
		if (this.endpoints.isEmpty()) {
			throw new RegistryException(action + ": registry " + this.ref.domain() + " is blocked in " + this.blockedBy,
					this.ref.domain(), 0);
		}
	}

	private Manifest fetchManifest(Endpoint endpoint, String tagOrDigest, boolean byDigest, String action)
			throws RegistryException {
		HttpResponse<InputStream> response = send(endpoint, endpoint.repositoryUri("manifests/" + tagOrDigest),
				MediaTypes.MANIFEST_ACCEPT, action);
		if (response.statusCode() != 200) {
			throw RegistryFailures.status(action, endpoint, response, null);
		}
		byte[] raw;
		try (InputStream in = response.body()) {
			raw = in.readNBytes(MAX_MANIFEST_BYTES + 1);
		}
		catch (IOException ex) {
			throw RegistryFailures.transport(action, endpoint, endpoint.host(), ex);
		}
		if (raw.length > MAX_MANIFEST_BYTES) {
			throw RegistryFailures.failure(action, endpoint,
					"manifest is larger than " + MAX_MANIFEST_BYTES + " bytes", 0, null);
		}
		// By tag the digest is ours to compute (Docker-Content-Digest is only a hint); by digest
		// the bytes must hash to what was asked for, or the registry served something else.
		String digest = byDigest ? Digests.sameAlgorithm(tagOrDigest, raw) : Digests.sha256(raw);
		if (byDigest && !digest.equals(tagOrDigest)) {
			throw RegistryFailures.failure(action, endpoint,
					"digest mismatch: the manifest served hashes to " + digest, 0, null);
		}
		try {
			return ManifestParser.parse(raw, response.headers().firstValue("Content-Type").orElse(null), digest);
		}
		catch (IllegalArgumentException ex) {
			throw RegistryFailures.failure(action, endpoint, ex.getMessage(), 0, ex);
		}
	}

	/**
	 * One authenticated GET: the cached header first; on 401 answer the challenge and retry once.
	 * Returns any response other than 401 for the caller to judge.
	 */
	private HttpResponse<InputStream> send(Endpoint endpoint, URI uri, String accept, String action)
			throws RegistryException {
		RegistryCredentials credentials = credentialsFor(endpoint);
		String scope = "repository:" + endpoint.repositoryPath() + ":pull";
		TokenCache.Key key = new TokenCache.Key(endpoint.host(), scope, fingerprint(credentials));
		String cached = this.tokens.get(key);
		HttpResponse<InputStream> response = exchange(endpoint, uri, accept, cached, action);
		if (response.statusCode() != 401) {
			return response;
		}
		List<AuthChallenge> challenges = AuthChallenge.parse(response.headers().allValues("WWW-Authenticate"));
		discard(response);
		if (cached != null) {
			this.tokens.invalidate(key);
		}
		Authenticator.Authorization authorization = this.authenticator.authenticate(challenges, credentials, scope,
				action, endpoint);
		response = exchange(endpoint, uri, accept, authorization.header(), action);
		if (response.statusCode() == 401) {
			throw RegistryFailures.status(action, endpoint, response,
					credentials.isEmpty() ? "no credentials were given" : "the credentials were refused");
		}
		if (response.statusCode() != 403) {
			this.tokens.put(key, authorization.header(), authorization.expires());
		}
		return response;
	}

	/**
	 * A GET that follows redirects itself, so that it can drop {@code Authorization} when one
	 * leads to another origin (a blob's 307 to a CDN or object store must not see our token).
	 */
	private HttpResponse<InputStream> exchange(Endpoint endpoint, URI uri, String accept, String authorization,
			String action) throws RegistryException {
		URI target = uri;
		for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
			HttpRequest.Builder request = HttpRequest.newBuilder(target)
				.timeout(this.timeout)
				.header("User-Agent", USER_AGENT)
				.GET();
			if (accept != null) {
				request.header("Accept", accept);
			}
			if (authorization != null && sameOrigin(target, endpoint)) {
				request.header("Authorization", authorization);
			}
			HttpResponse<InputStream> response;
			try {
				response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
			}
			catch (IOException ex) {
				throw RegistryFailures.transport(action, endpoint,
						sameOrigin(target, endpoint) ? endpoint.host() : target.getAuthority(), ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw RegistryFailures.failure(action, endpoint, "interrupted", 0, ex);
			}
			String location = response.headers().firstValue("Location").orElse(null);
			if (!isRedirect(response.statusCode()) || location == null) {
				return response;
			}
			discard(response);
			try {
				target = target.resolve(location);
			}
			catch (IllegalArgumentException ex) {
				throw RegistryFailures.failure(action, endpoint, "redirect to a malformed location " + location, 0, ex);
			}
			if (!"https".equals(target.getScheme()) && !"http".equals(target.getScheme())) {
				throw RegistryFailures.failure(action, endpoint, "redirect to a non-http location " + target, 0, null);
			}
		}
		throw RegistryFailures.failure(action, endpoint, "more than " + MAX_REDIRECTS + " redirects", 0, null);
	}

	/**
	 * Explicit (CRI) credentials win, but only for the registry they were given for: a mirror on
	 * another host gets the node's config.json credentials for that host, never the pod's secret.
	 */
	private RegistryCredentials credentialsFor(Endpoint endpoint) {
		if (!this.explicit.isEmpty()) {
			String meantFor = RegistryHosts.canonical(this.explicit.serverAddress());
			if (meantFor.isEmpty() || meantFor.equals(RegistryHosts.canonical(endpoint.host()))
					|| (!endpoint.mirror() && meantFor.equals(RegistryHosts.canonical(this.ref.domain())))) {
				return this.explicit;
			}
		}
		RegistryCredentials fromConfig = this.dockerConfig.forHost(endpoint.host());
		if (fromConfig.isEmpty() && !endpoint.mirror()) {
			fromConfig = this.dockerConfig.forHost(this.ref.domain());
		}
		return fromConfig;
	}

	/** Identifies credentials in cache keys without keeping the secrets there. */
	private static String fingerprint(RegistryCredentials credentials) {
		if (credentials.isEmpty()) {
			return "";
		}
		String joined = String.join("\0", String.valueOf(credentials.username()), String.valueOf(credentials.password()),
				String.valueOf(credentials.auth()), String.valueOf(credentials.identityToken()),
				String.valueOf(credentials.registryToken()));
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(hash, 0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static boolean sameOrigin(URI uri, Endpoint endpoint) {
		return endpoint.scheme().equals(uri.getScheme())
				&& endpoint.host().toLowerCase(Locale.ROOT).equals(uri.getRawAuthority().toLowerCase(Locale.ROOT));
	}

	private static boolean isRedirect(int status) {
		return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
	}

	/** Closes a response we do not read, so its connection can be reused or released. */
	private static void discard(HttpResponse<InputStream> response) {
		try (InputStream in = response.body()) {
			in.skip(Long.MAX_VALUE);
		}
		catch (IOException ex) {
			// nothing to do: the connection is simply not reused
		}
	}

	@Override
	public String toString() {
		return "PullSession[" + this.ref + " via " + this.endpoints + "]";
	}

}
