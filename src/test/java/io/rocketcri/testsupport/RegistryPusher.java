package io.rocketcri.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pushes {@link BuiltImage}s to a plain-HTTP registry with the distribution API and
 * {@code java.net.http} only: blobs by a monolithic upload ({@code POST .../blobs/uploads/} then
 * {@code PUT <location>?digest=}), skipped when {@code HEAD} finds them; manifests by tag and by
 * digest with their media type as {@code Content-Type}. With credentials every request carries a
 * basic {@code Authorization} header.
 */
public final class RegistryPusher {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final String registry;
	private final Optional<RegistryCredentials> credentials;
	private final HttpClient http;
	private final AtomicInteger blobsUploaded = new AtomicInteger();

	/** A pusher for {@code host:port}, no auth. */
	public RegistryPusher(String registry) {
		this(registry, Optional.empty());
	}

	public RegistryPusher(String registry, Optional<RegistryCredentials> credentials) {
		this.registry = registry;
		this.credentials = credentials;
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10))
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	/** The same registry with other (or no) credentials. */
	public RegistryPusher withCredentials(Optional<RegistryCredentials> credentials) {
		return new RegistryPusher(registry, credentials);
	}

	public String registry() {
		return registry;
	}

	/** How many blobs this pusher has uploaded (not counting those HEAD found present). */
	public int blobsUploaded() {
		return blobsUploaded.get();
	}

	/**
	 * Pushes every blob and manifest of the image and tags the top manifest (the index if there is
	 * one) as {@code tag} and each of {@code extraTags}. Platform manifests under an index are
	 * pushed by digest only.
	 */
	public PushedImage push(BuiltImage image, String repository, String tag, String... extraTags) {
		for (Blob blob : image.blobs()) {
			pushBlob(repository, blob);
		}
		List<String> tags = new ArrayList<>();
		tags.add(tag);
		tags.addAll(List.of(extraTags));
		Blob top;
		if (image.index().isPresent()) {
			for (Blob m : image.otherManifests()) {
				putManifest(repository, m.digest(), m);
			}
			putManifest(repository, image.manifest().digest(), image.manifest());
			top = image.index().get();
		}
		else {
			top = image.manifest();
		}
		for (String t : tags) {
			putManifest(repository, t, top);
		}
		putManifest(repository, top.digest(), top);
		return new PushedImage(registry, repository, tag, image.manifestDigest(), image.manifest().mediaType(),
				image.index().map(Blob::digest), image.imageId(), image.layerDigests(), image.diffIds());
	}

	/** {@code HEAD /v2/<repo>/blobs/<digest>} answered 200. */
	public boolean blobExists(String repository, String digest) {
		HttpResponse<byte[]> r = send(request("/v2/" + repository + "/blobs/" + digest)
			.method("HEAD", HttpRequest.BodyPublishers.noBody()));
		return switch (r.statusCode()) {
			case 200 -> true;
			case 404 -> false;
			default -> throw failure("HEAD blob " + digest, r);
		};
	}

	/** Uploads a blob in one request unless the repository has it already. */
	public void pushBlob(String repository, Blob blob) {
		if (blobExists(repository, blob.digest())) {
			return;
		}
		HttpResponse<byte[]> start = send(request("/v2/" + repository + "/blobs/uploads/")
			.POST(HttpRequest.BodyPublishers.noBody()));
		if (start.statusCode() != 202) {
			throw failure("start upload of " + blob.digest(), start);
		}
		String location = start.headers()
			.firstValue("Location")
			.orElseThrow(() -> failure("upload start gave no Location", start));
		URI uri = baseUri().resolve(location);
		String sep = uri.getRawQuery() == null ? "?" : "&";
		URI put = URI.create(uri + sep + "digest=" + URLEncoder.encode(blob.digest(), StandardCharsets.UTF_8));
		HttpResponse<byte[]> done = send(authorize(HttpRequest.newBuilder(put))
			.timeout(TIMEOUT)
			.header("Content-Type", "application/octet-stream")
			.PUT(HttpRequest.BodyPublishers.ofByteArray(blob.bytes())));
		if (done.statusCode() != 201) {
			throw failure("upload of " + blob.digest(), done);
		}
		blobsUploaded.incrementAndGet();
	}

	/**
	 * {@code PUT /v2/<repo>/manifests/<reference>} with the blob's media type as Content-Type;
	 * returns the {@code Docker-Content-Digest} the registry answered, checked against the blob's.
	 */
	public String putManifest(String repository, String reference, Blob manifest) {
		HttpResponse<byte[]> r = send(request("/v2/" + repository + "/manifests/" + reference)
			.header("Content-Type", manifest.mediaType())
			.PUT(HttpRequest.BodyPublishers.ofByteArray(manifest.bytes())));
		if (r.statusCode() != 201) {
			throw failure("PUT manifest " + repository + ":" + reference, r);
		}
		String digest = r.headers().firstValue("Docker-Content-Digest").orElse(manifest.digest());
		if (!digest.equals(manifest.digest())) {
			throw new IllegalStateException("registry stored manifest " + reference + " as " + digest
					+ ", expected " + manifest.digest());
		}
		return digest;
	}

	/** {@code DELETE /v2/<repo>/manifests/<digest>} (the registry must allow deletes). */
	public void deleteManifest(String repository, String digest) {
		HttpResponse<byte[]> r = send(request("/v2/" + repository + "/manifests/" + digest).DELETE());
		if (r.statusCode() != 202) {
			throw failure("DELETE manifest " + digest, r);
		}
	}

	private URI baseUri() {
		return URI.create("http://" + registry);
	}

	private HttpRequest.Builder request(String path) {
		return authorize(HttpRequest.newBuilder(baseUri().resolve(path))).timeout(TIMEOUT);
	}

	private HttpRequest.Builder authorize(HttpRequest.Builder b) {
		credentials.ifPresent(c -> b.header("Authorization", c.basicAuthorization()));
		return b;
	}

	private HttpResponse<byte[]> send(HttpRequest.Builder b) {
		HttpRequest req = b.build();
		try {
			return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (IOException e) {
			throw new UncheckedIOException(req.method() + " " + req.uri() + " failed", e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted: " + req.method() + " " + req.uri(), e);
		}
	}

	private static RegistryPushException failure(String what, HttpResponse<byte[]> r) {
		String body = new String(r.body(), StandardCharsets.UTF_8);
		return new RegistryPushException(what + ": HTTP " + r.statusCode() + " from " + r.request().method() + " "
				+ r.request().uri() + (body.isBlank() ? "" : ": " + body.strip()), r.statusCode());
	}

	/** A registry answered with an unexpected status. */
	public static final class RegistryPushException extends RuntimeException {

		private final int status;

		public RegistryPushException(String message, int status) {
			super(message);
			this.status = status;
		}

		/** The HTTP status the registry answered (401 for missing or wrong credentials). */
		public int status() {
			return status;
		}

	}

}
