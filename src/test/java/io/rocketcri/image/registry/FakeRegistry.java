package io.rocketcri.image.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-test OCI distribution registry on 127.0.0.1: manifests, blobs, and the three ways
 * registries ask for credentials (none, Basic, Bearer with a token endpoint at {@code /token}
 * that also takes OAuth2 refresh-token grants). Records every request so tests can count them and
 * look at their headers. {@code /cdn/<digest>} serves blobs too, as a redirect target.
 */
final class FakeRegistry implements AutoCloseable {

	enum Auth {

		ANONYMOUS, BASIC, BEARER

	}

	record Request(String method, String path, String query, String authorization, String body) {
	}

	/** The pieces of an image pushed with {@link #pushImage}. */
	record TestImage(String indexDigest, String manifestDigest, byte[] manifest, Descriptor config, byte[] configBytes,
			Descriptor layer, byte[] layerBytes) {
	}

	static final String SERVICE = "fake-registry";

	private final HttpServer server;

	private final Auth auth;

	private final Map<String, byte[]> manifests = new ConcurrentHashMap<>();

	private final Map<String, String> manifestTypes = new ConcurrentHashMap<>();

	private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();

	private final Set<String> issuedTokens = ConcurrentHashMap.newKeySet();

	private final AtomicInteger tokenCounter = new AtomicInteger();

	final List<Request> requests = new CopyOnWriteArrayList<>();

	/** Accepted Basic credentials, for the registry (BASIC) or the token endpoint (BEARER). */
	volatile String username = "alice";

	volatile String password = "secret";

	/** Whether the token endpoint refuses anonymous token requests. */
	volatile boolean tokensNeedCredentials = true;

	volatile String acceptedRefreshToken = "refresh-1";

	volatile String acceptedRegistryToken = "static-registry-token";

	volatile long expiresIn = 300;

	/** When set, blob GETs answer 307 to this base + digest. */
	volatile String blobRedirectBase;

	FakeRegistry(Auth auth) throws IOException {
		this.auth = auth;
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	String host() {
		return "127.0.0.1:" + this.server.getAddress().getPort();
	}

	String url(String path) {
		return "http://" + host() + path;
	}

	/** Stores a manifest under its tag and its digest; returns the digest. */
	String putManifest(String repo, String tag, String mediaType, byte[] raw) {
		String digest = Digests.sha256(raw);
		putManifestAt(repo, digest, mediaType, raw);
		if (tag != null) {
			putManifestAt(repo, tag, mediaType, raw);
		}
		return digest;
	}

	/** Stores bytes under any reference, also one they do not hash to (a corrupt registry). */
	void putManifestAt(String repo, String reference, String mediaType, byte[] raw) {
		this.manifests.put(repo + "@" + reference, raw);
		this.manifestTypes.put(repo + "@" + reference, mediaType);
	}

	String putBlob(byte[] data) {
		String digest = Digests.sha256(data);
		this.blobs.put(digest, data);
		return digest;
	}

	/**
	 * Pushes a one-layer image for linux/amd64 plus an arm64 child and an attestation entry, all
	 * under an OCI index tagged {@code tag}.
	 */
	TestImage pushImage(String repo, String tag) {
		byte[] layer = ("layer of " + repo).getBytes(StandardCharsets.UTF_8);
		byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
		Descriptor layerDescriptor = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, putBlob(layer), layer.length);
		Descriptor configDescriptor = Descriptor.of(MediaTypes.OCI_CONFIG, putBlob(config), config.length);
		byte[] manifest = """
				{"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"%s","digest":"%s","size":%d},
				 "layers":[{"mediaType":"%s","digest":"%s","size":%d}]}"""
			.formatted(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_CONFIG, configDescriptor.digest(), config.length,
					MediaTypes.OCI_LAYER_GZIP, layerDescriptor.digest(), layer.length)
			.getBytes(StandardCharsets.UTF_8);
		String manifestDigest = putManifest(repo, null, MediaTypes.OCI_MANIFEST, manifest);
		byte[] armManifest = new String(manifest, StandardCharsets.UTF_8).replace("\"layers\"", "\"annotations\":{},\"layers\"")
			.getBytes(StandardCharsets.UTF_8);
		String armDigest = putManifest(repo, null, MediaTypes.OCI_MANIFEST, armManifest);
		byte[] index = """
				{"schemaVersion":2,"mediaType":"%1$s","manifests":[
				 {"mediaType":"%2$s","digest":"%3$s","size":%4$d,"platform":{"os":"unknown","architecture":"unknown"},
				  "annotations":{"vnd.docker.reference.type":"attestation-manifest"}},
				 {"mediaType":"%2$s","digest":"%5$s","size":%6$d,"platform":{"os":"linux","architecture":"arm64"}},
				 {"mediaType":"%2$s","digest":"%3$s","size":%4$d,"platform":{"os":"linux","architecture":"amd64"}}]}"""
			.formatted(MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST, manifestDigest, manifest.length, armDigest,
					armManifest.length)
			.getBytes(StandardCharsets.UTF_8);
		String indexDigest = putManifest(repo, tag, MediaTypes.OCI_INDEX, index);
		return new TestImage(indexDigest, manifestDigest, manifest, configDescriptor, config, layerDescriptor, layer);
	}

	/** Requests whose path starts with {@code prefix}. */
	List<Request> requests(String prefix) {
		return this.requests.stream().filter(r -> r.path().startsWith(prefix)).toList();
	}

	int count(String prefix) {
		return requests(prefix).size();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String path = exchange.getRequestURI().getRawPath();
			String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			this.requests.add(new Request(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(),
					exchange.getRequestHeaders().getFirst("Authorization"), body));
			if (path.equals("/token")) {
				token(exchange, body);
			}
			else if (path.startsWith("/cdn/")) {
				blob(exchange, path.substring("/cdn/".length()));
			}
			else if (path.startsWith("/v2/")) {
				registry(exchange, path.substring("/v2/".length()));
			}
			else {
				send(exchange, 404, "text/plain", "no route".getBytes(StandardCharsets.UTF_8));
			}
		}
	}

	private void registry(HttpExchange exchange, String rest) throws IOException {
		int manifestsAt = rest.lastIndexOf("/manifests/");
		int blobsAt = rest.lastIndexOf("/blobs/");
		String repo = rest.substring(0, Math.max(manifestsAt, blobsAt));
		if (!authorized(exchange, repo)) {
			return;
		}
		if (manifestsAt >= 0) {
			String reference = rest.substring(manifestsAt + "/manifests/".length());
			byte[] raw = this.manifests.get(repo + "@" + reference);
			if (raw == null) {
				error(exchange, 404, "MANIFEST_UNKNOWN", "manifest unknown");
				return;
			}
			send(exchange, 200, this.manifestTypes.get(repo + "@" + reference), raw);
			return;
		}
		String digest = rest.substring(blobsAt + "/blobs/".length());
		if (this.blobRedirectBase != null) {
			exchange.getResponseHeaders().add("Location", this.blobRedirectBase + digest);
			send(exchange, 307, "text/plain", new byte[0]);
			return;
		}
		blob(exchange, digest);
	}

	private void blob(HttpExchange exchange, String digest) throws IOException {
		byte[] data = this.blobs.get(digest);
		if (data == null) {
			error(exchange, 404, "BLOB_UNKNOWN", "blob unknown to registry");
			return;
		}
		send(exchange, 200, "application/octet-stream", data);
	}

	private boolean authorized(HttpExchange exchange, String repo) throws IOException {
		String authorization = exchange.getRequestHeaders().getFirst("Authorization");
		switch (this.auth) {
			case ANONYMOUS -> {
				return true;
			}
			case BASIC -> {
				if (basic(this.username, this.password).equals(authorization)) {
					return true;
				}
				exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"fake\"");
			}
			case BEARER -> {
				if (authorization != null && authorization.startsWith("Bearer ")) {
					String token = authorization.substring("Bearer ".length());
					if (this.issuedTokens.contains(token + " " + repo) || token.equals(this.acceptedRegistryToken)) {
						return true;
					}
				}
				exchange.getResponseHeaders()
					.add("WWW-Authenticate", "Bearer realm=\"" + url("/token") + "\",service=\"" + SERVICE
							+ "\",scope=\"repository:" + repo + ":pull\"");
			}
		}
		error(exchange, 401, "UNAUTHORIZED", "authentication required");
		return false;
	}

	private void token(HttpExchange exchange, String body) throws IOException {
		Map<String, String> params;
		if (exchange.getRequestMethod().equals("POST")) {
			params = form(body);
			if (!"refresh_token".equals(params.get("grant_type"))
					|| !this.acceptedRefreshToken.equals(params.get("refresh_token"))
					|| params.get("client_id") == null) {
				error(exchange, 401, "UNAUTHORIZED", "invalid refresh token");
				return;
			}
		}
		else {
			params = form(exchange.getRequestURI().getRawQuery());
			String authorization = exchange.getRequestHeaders().getFirst("Authorization");
			boolean good = basic(this.username, this.password).equals(authorization);
			if ((authorization != null && !good) || (authorization == null && this.tokensNeedCredentials)) {
				error(exchange, 401, "UNAUTHORIZED", "incorrect username or password");
				return;
			}
		}
		String scope = params.getOrDefault("scope", "");
		String repo = scope.replaceFirst("^repository:", "").replaceFirst(":pull$", "");
		String token = "token-" + this.tokenCounter.incrementAndGet();
		this.issuedTokens.add(token + " " + repo);
		String field = exchange.getRequestMethod().equals("POST") ? "access_token" : "token";
		send(exchange, 200, "application/json",
				("{\"" + field + "\":\"" + token + "\",\"expires_in\":" + this.expiresIn + "}")
					.getBytes(StandardCharsets.UTF_8));
	}

	static Map<String, String> form(String encoded) {
		Map<String, String> params = new LinkedHashMap<>();
		if (encoded == null || encoded.isEmpty()) {
			return params;
		}
		for (String pair : encoded.split("&")) {
			int eq = pair.indexOf('=');
			params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
					URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
		}
		return params;
	}

	static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
		send(exchange, status, "application/json",
				("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}]}")
					.getBytes(StandardCharsets.UTF_8));
	}

	private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
		exchange.getResponseHeaders().add("Content-Type", contentType);
		exchange.sendResponseHeaders(status, (body.length == 0) ? -1 : body.length);
		if (body.length > 0) {
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}
	}

	List<String> authorizations(String prefix) {
		List<String> values = new ArrayList<>();
		requests(prefix).forEach(r -> values.add(r.authorization()));
		return values;
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
