package io.rocketcri.image.registry;

import io.rocketcri.image.reference.ImageReference;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The HTTP flows of {@link RegistryClient} against {@link FakeRegistry}s on 127.0.0.1. */
class RegistryClientTest {

	private static final Platform AMD64 = new Platform("linux", "amd64", null);

	private final List<FakeRegistry> registries = new ArrayList<>();

	private final MutableClock clock = new MutableClock();

	@TempDir
	Path dir;

	@AfterEach
	void stopRegistries() {
		this.registries.forEach(FakeRegistry::close);
	}

	private FakeRegistry start(FakeRegistry.Auth auth) throws IOException {
		FakeRegistry registry = new FakeRegistry(auth);
		this.registries.add(registry);
		return registry;
	}

	/** registries.conf marking the fake registries insecure (they speak plain http). */
	private static RegistriesConfig insecure(String... hosts) {
		StringBuilder conf = new StringBuilder();
		for (String host : hosts) {
			conf.append("[[registry]]\nlocation = \"").append(host).append("\"\ninsecure = true\n");
		}
		return RegistriesConfig.parse(conf.toString(), "test registries.conf");
	}

	private RegistryClient client(RegistriesConfig config, DockerConfigCredentials dockerConfig) {
		return new RegistryClient(config, dockerConfig, RegistryClient.newHttpClient(), this.clock,
				Duration.ofSeconds(10));
	}

	private RegistryClient client(FakeRegistry registry) {
		return client(insecure(registry.host()), DockerConfigCredentials.none());
	}

	private static ImageReference ref(FakeRegistry registry, String rest) {
		return ImageReference.parse(registry.host() + "/" + rest);
	}

	private static byte[] read(InputStream in) throws IOException {
		try (in) {
			return in.readAllBytes();
		}
	}

	private static int deadPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Test
	void anonymousPullResolvesTheIndexToTheHostPlatformAndStreamsBlobs() throws IOException {
		FakeRegistry registry = start(FakeRegistry.Auth.ANONYMOUS);
		FakeRegistry.TestImage image = registry.pushImage("busybox", "1.36");
		PullSession session = client(registry).open(ref(registry, "busybox:1.36"), RegistryCredentials.NONE);

		Manifest index = session.manifest("1.36");
		assertThat(index.isIndex()).isTrue();
		assertThat(index.digest()).isEqualTo(image.indexDigest());
		assertThat(session.endpointUsed()).isEqualTo(registry.host());

		Manifest manifest = session.resolvePlatform(index, AMD64);
		assertThat(manifest.isIndex()).isFalse();
		assertThat(manifest.digest()).isEqualTo(image.manifestDigest());
		assertThat(manifest.raw()).isEqualTo(image.manifest());
		assertThat(manifest.config()).isEqualTo(image.config());
		assertThat(manifest.layers()).containsExactly(image.layer());
		assertThat(read(session.openBlob(manifest.config()))).isEqualTo(image.configBytes());
		assertThat(read(session.openBlob(manifest.layers().getFirst()))).isEqualTo(image.layerBytes());

		assertThat(registry.requests("/v2/busybox/manifests/")).extracting(FakeRegistry.Request::path)
			.containsExactly("/v2/busybox/manifests/1.36", "/v2/busybox/manifests/" + image.manifestDigest());
	}

	@Test
	void noManifestForThePlatformListsWhatIsAvailable() throws IOException {
		FakeRegistry registry = start(FakeRegistry.Auth.ANONYMOUS);
		registry.pushImage("busybox", "1.36");
		PullSession session = client(registry).open(ref(registry, "busybox:1.36"), RegistryCredentials.NONE);
		Manifest index = session.manifest("1.36");
		assertThatThrownBy(() -> session.resolvePlatform(index, Platform.parse("linux/s390x")))
			.isInstanceOf(RegistryException.class)
			.hasMessage("no manifest for linux/s390x in " + registry.host()
					+ "/busybox:1.36, available: linux/arm64, linux/amd64");
		assertThat(session.resolvePlatform(index, Platform.parse("linux/aarch64")).digest())
			.isNotEqualTo(session.resolvePlatform(index, AMD64).digest());
	}

	@Test
	void bearerChallengeGetsATokenWithBasicCredentialsAndTheSecondPullCostsOneRequest() throws IOException {
		FakeRegistry registry = start(FakeRegistry.Auth.BEARER);
		FakeRegistry.TestImage image = registry.pushImage("team/app", "v1");
		RegistryClient client = client(registry);
		RegistryCredentials creds = RegistryCredentials.basic("alice", "secret");

		assertThat(client.open(ref(registry, "team/app:v1"), creds).manifest("v1").digest())
			.isEqualTo(image.indexDigest());
		assertThat(registry.count("/v2/")).isEqualTo(2); // 401, then with the token
		List<FakeRegistry.Request> tokenRequests = registry.requests("/token");
		assertThat(tokenRequests).singleElement().satisfies(r -> {
			assertThat(r.method()).isEqualTo("GET");
			assertThat(r.authorization()).isEqualTo(FakeRegistry.basic("alice", "secret"));
			assertThat(FakeRegistry.form(r.query())).isEqualTo(
					Map.of("service", FakeRegistry.SERVICE, "scope", "repository:team/app:pull"));
		});

		registry.requests.clear();
		PullSession again = client.open(ref(registry, "team/app:v1"), creds);
		assertThat(again.manifest("v1").digest()).isEqualTo(image.indexDigest());
		assertThat(registry.requests).hasSize(1);
		assertThat(registry.requests.getFirst().path()).isEqualTo("/v2/team/app/manifests/v1");

		// Blobs reuse the token too.
		assertThat(read(again.openBlob(image.config()))).isEqualTo(image.configBytes());
		assertThat(registry.count("/token")).isZero();
	}

	@Test
	void expiredTokensAreFetchedAgain() throws IOException {
		FakeRegistry registry = start(FakeRegistry.Auth.BEARER);
		registry.tokensNeedCredentials = false;
		registry.expiresIn = 60;
		registry.pushImage("busybox", "latest");
		RegistryClient client = client(registry);
		client.open(ref(registry, "busybox"), RegistryCredentials.NONE).manifest("latest");
		this.clock.advance(Duration.ofSeconds(30));
		client.open(ref(registry, "busybox"), RegistryCredentials.NONE).manifest("latest");
		assertThat(registry.count("/token")).isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(31));
		client.open(ref(registry, "busybox"), RegistryCredentials.NONE).manifest("latest");
		assertThat(registry.count("/token")).isEqualTo(2);
	}

	@Test
	void tokensAreNotSharedBetweenDifferentCredentials() throws IOException {
		FakeRegistry registry = start(FakeRegistry.Auth.BEARER);
		registry.pushImage("private/app", "v1");
		RegistryClient client = client(registry);
		client.open(ref(registry, "private/app:v1"), RegistryCredentials.basic("alice", "secret")).manifest("v1");
		RegistryException failure = catchThrowableOfType(RegistryException.class,
				() -> client.open(ref(registry, "private/app:v1"), RegistryCredentials.NONE).manifest("v1"));
		assertThat(failure.unauthorized()).isTrue();
	}

	@Test
	void basicChallengeUsesConfigJsonCredentialsForTheHost() throws IOException {
		FakeRegistry registry = start(FakeRegistry.Auth.BASIC);
		FakeRegistry.TestImage image = registry.pushImage("busybox", "1.36");
		Path config = Files.writeString(this.dir.resolve("config.json"),
				"{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + java.util.Base64.getEncoder()
					.encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
		RegistryClient client = client(insecure(registry.host()), DockerConfigCredentials.load(List.of(config)));

		assertThat(client.open(ref(registry, "busybox:1.36"), RegistryCredentials.NONE).manifest("1.36").digest())
			.isEqualTo(image.indexDigest());
		assertThat(registry.authorizations("/v2/")).containsExactly(null, FakeRegistry.basic("alice", "secret"));

		registry.requests.clear();
		client.open(ref(registry, "busybox:1.36"), RegistryCredentials.NONE).manifest("1.36");
		assertThat(registry.authorizations("/v2/")).containsExactly(FakeRegistry.basic("alice", "secret"));
	}

	@Test
	void explicitCriCredentialsWinOverConfigJson() throws IOException {
		FakeRegistry registry = start(FakeRegistry.Auth.BASIC);
		registry.pushImage("busybox", "1.36");
		Path config = Files.writeString(this.dir.resolve("config.json"),
				"{\"auths\":{\"" + registry.host() + "\":{\"username\":\"alice\",\"password\":\"stale\"}}}");
		RegistryClient client = client(insecure(registry.host()), DockerConfigCredentials.load(List.of(config)));
		RegistryCredentials cri = new RegistryCredentials("alice", "secret", null, registry.host(), null, null);
		client.open(ref(registry, "busybox:1.36"), cri).manifest("1.36");
		assertThat(registry.authorizations("/v2/")).last().isEqualTo(FakeRegistry.basic("alice", "secret"));
	}

	@Test
	void criCredentialsForTheRegistryAreNeverSentToAMirrorOnAnotherHost() throws IOException {
		FakeRegistry mirror = start(FakeRegistry.Auth.BASIC);
		FakeRegistry origin = start(FakeRegistry.Auth.BASIC);
		mirror.pushImage("pause", "3.10");
		FakeRegistry.TestImage image = origin.pushImage("pause", "3.10");
		RegistriesConfig config = RegistriesConfig.parse("""
				[[registry]]
				prefix = "registry.k8s.io"
				location = "%s"
				insecure = true
				[[registry.mirror]]
				location = "%s"
				insecure = true
				""".formatted(origin.host(), mirror.host()), "test");
		RegistryCredentials cri = new RegistryCredentials("alice", "secret", null, "registry.k8s.io", null, null);
		PullSession session = client(config, DockerConfigCredentials.none())
			.open(ImageReference.parse("registry.k8s.io/pause:3.10"), cri);
		assertThat(session.manifest("3.10").digest()).isEqualTo(image.indexDigest());
		assertThat(session.endpointUsed()).isEqualTo(origin.host());
		assertThat(mirror.authorizations("/v2/")).containsOnlyNulls();
		assertThat(origin.authorizations("/v2/")).last().isEqualTo(FakeRegistry.basic("alice", "secret"));
	}

	@Test
	void identityTokenIsExchangedWithARefreshTokenGrant() throws IOException {
		FakeRegistry registry = start(FakeRegistry.Auth.BEARER);
		FakeRegistry.TestImage image = registry.pushImage("busybox", "1.36");
		RegistryCredentials creds = new RegistryCredentials(null, null, null, null, "refresh-1", null);
		assertThat(client(registry).open(ref(registry, "busybox:1.36"), creds).manifest("1.36").digest())
			.isEqualTo(image.indexDigest());
		assertThat(registry.requests("/token")).singleElement().satisfies(r -> {
			assertThat(r.method()).isEqualTo("POST");
			assertThat(r.authorization()).isNull();
			assertThat(FakeRegistry.form(r.body())).isEqualTo(Map.of("grant_type", "refresh_token", "refresh_token",
					"refresh-1", "service", FakeRegistry.SERVICE, "scope", "repository:busybox:pull", "client_id",
					"rocket-cri"));
		});
	}

	@Test
	void registryTokenIsSentAsTheBearerTokenWithoutATokenRequest() throws IOException {
		FakeRegistry registry = start(FakeRegistry.Auth.BEARER);
		registry.pushImage("busybox", "1.36");
		RegistryCredentials creds = new RegistryCredentials(null, null, null, null, null, "static-registry-token");
		client(registry).open(ref(registry, "busybox:1.36"), creds).manifest("1.36");
		assertThat(registry.count("/token")).isZero();
		assertThat(registry.authorizations("/v2/")).containsExactly(null, "Bearer static-registry-token");
	}

	@Test
	void refusedCredentialsAtTheTokenEndpointAreUnauthorizedNamingTheRegistry() throws IOException {
		FakeRegistry registry = start(FakeRegistry.Auth.BEARER);
		registry.pushImage("busybox", "1.36");
		PullSession session = client(registry).open(ref(registry, "busybox:1.36"),
				RegistryCredentials.basic("alice", "wrong"));
		RegistryException failure = catchThrowableOfType(RegistryException.class, () -> session.manifest("1.36"));
		assertThat(failure.unauthorized()).isTrue();
		assertThat(failure.httpStatus()).isEqualTo(401);
		assertThat(failure.registry()).isEqualTo(registry.host());
		assertThat(failure).hasMessage("pulling manifest " + registry.host() + "/busybox:1.36 from " + registry.host()
				+ ": fetching token for repository:busybox:pull from " + registry.host()
				+ ": 401 Unauthorized: UNAUTHORIZED: incorrect username or password (the credentials were refused)");
	}

	@Test
	void a401AfterAuthenticatingIsUnauthorized() throws IOException {
		FakeRegistry registry = start(FakeRegistry.Auth.BASIC);
		registry.pushImage("busybox", "1.36");
		PullSession session = client(registry).open(ref(registry, "busybox:1.36"),
				RegistryCredentials.basic("alice", "wrong"));
		RegistryException failure = catchThrowableOfType(RegistryException.class, () -> session.manifest("1.36"));
		assertThat(failure.unauthorized()).isTrue();
		assertThat(failure).hasMessage("pulling manifest " + registry.host() + "/busybox:1.36 from " + registry.host()
				+ ": 401 Unauthorized: UNAUTHORIZED: authentication required (the credentials were refused)");
		assertThat(registry.count("/v2/")).isEqualTo(2);
	}

	@Test
	void notFoundCarriesTheRegistrysErrorCode() throws IOException {
		FakeRegistry registry = start(FakeRegistry.Auth.ANONYMOUS);
		PullSession session = client(registry).open(ref(registry, "nothing:here"), RegistryCredentials.NONE);
		RegistryException failure = catchThrowableOfType(RegistryException.class, () -> session.manifest("here"));
		assertThat(failure.notFound()).isTrue();
		assertThat(failure).hasMessage("pulling manifest " + registry.host() + "/nothing:here from " + registry.host()
				+ ": 404 Not Found: MANIFEST_UNKNOWN: manifest unknown");
	}

	@Test
	void unreachableRegistrySaysConnectionRefused() throws IOException {
		String host = "127.0.0.1:" + deadPort();
		PullSession session = client(insecure(host), DockerConfigCredentials.none())
			.open(ImageReference.parse(host + "/busybox:1.36"), RegistryCredentials.NONE);
		RegistryException failure = catchThrowableOfType(RegistryException.class, () -> session.manifest("1.36"));
		assertThat(failure.httpStatus()).isZero();
		assertThat(failure.registry()).isEqualTo(host);
		assertThat(failure).hasMessage("pulling manifest " + host + "/busybox:1.36 from " + host + ": registry " + host
				+ " unreachable: Connection refused");
		assertThat(failure.getCause()).isInstanceOf(java.net.ConnectException.class);
	}

	@Test
	void aMirrorThatIsDownFallsThroughToTheNextEndpoint() throws IOException {
		FakeRegistry mirror = start(FakeRegistry.Auth.ANONYMOUS);
		FakeRegistry.TestImage image = mirror.pushImage("e2e-test-images/busybox", "1.29-4");
		String dead = "127.0.0.1:" + deadPort();
		RegistriesConfig config = RegistriesConfig.parse("""
				[[registry]]
				prefix = "registry.k8s.io"
				location = "registry.k8s.io"
				[[registry.mirror]]
				location = "%s"
				insecure = true
				[[registry.mirror]]
				location = "%s"
				insecure = true
				""".formatted(dead, mirror.host()), "test");
		PullSession session = client(config, DockerConfigCredentials.none())
			.open(ImageReference.parse("registry.k8s.io/e2e-test-images/busybox:1.29-4"), RegistryCredentials.NONE);
		Manifest manifest = session.resolvePlatform(session.manifest("1.29-4"), AMD64);
		assertThat(manifest.digest()).isEqualTo(image.manifestDigest());
		assertThat(session.endpointUsed()).isEqualTo(mirror.host());
		assertThat(read(session.openBlob(image.layer()))).isEqualTo(image.layerBytes());
	}

	@Test
	void whenEveryEndpointFailsTheLastErrorIsReportedWithTheEarlierAttempts() throws IOException {
		FakeRegistry origin = start(FakeRegistry.Auth.ANONYMOUS);
		String dead = "127.0.0.1:" + deadPort();
		RegistriesConfig config = RegistriesConfig.parse("""
				[[registry]]
				prefix = "registry.k8s.io"
				location = "%s"
				insecure = true
				[[registry.mirror]]
				location = "%s"
				insecure = true
				""".formatted(origin.host(), dead), "test");
		PullSession session = client(config, DockerConfigCredentials.none())
			.open(ImageReference.parse("registry.k8s.io/pause:3.10"), RegistryCredentials.NONE);
		RegistryException failure = catchThrowableOfType(RegistryException.class, () -> session.manifest("3.10"));
		assertThat(failure.notFound()).isTrue();
		assertThat(failure.registry()).isEqualTo(origin.host());
		assertThat(failure).hasMessage("pulling manifest registry.k8s.io/pause:3.10 from " + origin.host()
				+ ": 404 Not Found: MANIFEST_UNKNOWN: manifest unknown; earlier attempts: " + dead + ": registry "
				+ dead + " unreachable: Connection refused");
		assertThat(failure.getSuppressed()).hasSize(1);
		assertThat(session.endpointUsed()).isNull();
	}

	@Test
	void aManifestFetchedByDigestMustHashToThatDigest() throws IOException {
		FakeRegistry registry = start(FakeRegistry.Auth.ANONYMOUS);
		FakeRegistry.TestImage image = registry.pushImage("busybox", "1.36");
		byte[] tampered = Arrays.copyOf(image.manifest(), image.manifest().length + 1);
		tampered[tampered.length - 1] = ' ';
		registry.putManifestAt("busybox", image.manifestDigest(), MediaTypes.OCI_MANIFEST, tampered);
		PullSession session = client(registry).open(ref(registry, "busybox:1.36"), RegistryCredentials.NONE);
		assertThatThrownBy(() -> session.manifest(image.manifestDigest())).isInstanceOf(RegistryException.class)
			.hasMessage("pulling manifest " + registry.host() + "/busybox@" + image.manifestDigest() + " from "
					+ registry.host() + ": digest mismatch: the manifest served hashes to " + Digests.sha256(tampered));
	}

	@Test
	void schema1ManifestsAreRejected() throws IOException {
		FakeRegistry registry = start(FakeRegistry.Auth.ANONYMOUS);
		registry.putManifest("old", "v1", MediaTypes.DOCKER_SCHEMA1_SIGNED_MANIFEST,
				"{\"schemaVersion\":1,\"name\":\"old\",\"tag\":\"v1\",\"fsLayers\":[]}".getBytes(StandardCharsets.UTF_8));
		PullSession session = client(registry).open(ref(registry, "old:v1"), RegistryCredentials.NONE);
		assertThatThrownBy(() -> session.manifest("v1")).isInstanceOf(RegistryException.class)
			.hasMessageContaining("from " + registry.host() + ": manifest is Docker schema1");
	}

	@Test
	void blobRedirectToAnotherHostIsFollowedWithoutAuthorization() throws IOException {
		FakeRegistry registry = start(FakeRegistry.Auth.BEARER);
		FakeRegistry cdn = start(FakeRegistry.Auth.ANONYMOUS);
		FakeRegistry.TestImage image = registry.pushImage("busybox", "1.36");
		cdn.putBlob(image.layerBytes());
		registry.blobRedirectBase = cdn.url("/cdn/");
		PullSession session = client(registry).open(ref(registry, "busybox:1.36"),
				RegistryCredentials.basic("alice", "secret"));
		session.manifest("1.36");
		assertThat(read(session.openBlob(image.layer()))).isEqualTo(image.layerBytes());
		assertThat(registry.authorizations("/v2/busybox/blobs/")).singleElement()
			.satisfies(a -> assertThat(a).startsWith("Bearer "));
		assertThat(cdn.requests("/cdn/")).singleElement().satisfies(r -> {
			assertThat(r.path()).isEqualTo("/cdn/" + image.layer().digest());
			assertThat(r.authorization()).isNull();
		});
	}

	@Test
	void blockedRegistryIsRefusedWithoutNetwork() {
		RegistriesConfig config = RegistriesConfig.parse("[[registry]]\nlocation = \"evil.example\"\nblocked = true\n",
				"/etc/containers/registries.conf");
		PullSession session = client(config, DockerConfigCredentials.none())
			.open(ImageReference.parse("evil.example/x:1"), RegistryCredentials.NONE);
		assertThatThrownBy(() -> session.manifest("1")).isInstanceOf(RegistryException.class)
			.hasMessage("pulling manifest evil.example/x:1: registry evil.example is blocked in "
					+ "/etc/containers/registries.conf");
	}

	@Test
	void refusesAnHttpClientThatFollowsRedirectsItself() {
		HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
		assertThatThrownBy(
				() -> new RegistryClient(RegistriesConfig.empty(), DockerConfigCredentials.none(), following))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("Redirect.NEVER");
	}

	/** A clock the test moves by hand, for token expiry. */
	static final class MutableClock extends Clock {

		private Instant now = Instant.parse("2026-01-01T00:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
