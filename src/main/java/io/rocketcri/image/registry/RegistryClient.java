package io.rocketcri.image.registry;

import io.rocketcri.image.reference.ImageReference;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The OCI distribution client: opens {@link PullSession}s that fetch manifests and blobs from
 * mirrors and registries as registries.conf says, authenticating with CRI or config.json
 * credentials. Plain java.net.http, no Spring, so it can be tested against a fake registry.
 *
 * <p>
 * Thread-safe. Holds the token cache, so one instance should serve the whole runtime: it is what
 * makes pulling an image that is already present cost a single manifest request.
 */
public final class RegistryClient {

	/** How long to wait for a registry to start answering a request (not for a blob to finish). */
	static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

	/** Asked on every pull, so that an edited registries.conf applies without a restart. */
	private final Supplier<RegistriesConfig> config;

	private final DockerConfigCredentials dockerConfig;

	/** Asked per pull; the runtime's is built on the first one (java.net.http and TLS are ~500 classes). */
	private final Supplier<HttpClient> http;

	private final Duration timeout;

	private final TokenCache tokens;

	/**
	 * @param http must not follow redirects itself ({@link HttpClient.Redirect#NEVER}, the default):
	 * the client follows them so that it can keep {@code Authorization} from other hosts. See
	 * {@link #newHttpClient()}.
	 */
	public RegistryClient(RegistriesConfig config, DockerConfigCredentials dockerConfig, HttpClient http) {
		this(() -> config, dockerConfig, http, Clock.systemUTC(), DEFAULT_TIMEOUT);
		Objects.requireNonNull(config, "config");
	}

	/**
	 * The runtime's: registries.conf asked anew for each pull, so that an edit applies without a
	 * restart, and the HttpClient asked for when a pull opens, so that it can be built on the
	 * first pull rather than at start-up (a memoizing supplier of {@link #newHttpClient()}).
	 */
	public RegistryClient(Supplier<RegistriesConfig> config, DockerConfigCredentials dockerConfig,
			Supplier<HttpClient> http) {
		this(config, dockerConfig, () -> withoutRedirects(http.get()), Clock.systemUTC(), DEFAULT_TIMEOUT);
	}

	RegistryClient(RegistriesConfig config, DockerConfigCredentials dockerConfig, HttpClient http, Clock clock,
			Duration timeout) {
		this(() -> config, dockerConfig, http, clock, timeout);
	}

	private RegistryClient(Supplier<RegistriesConfig> config, DockerConfigCredentials dockerConfig, HttpClient http,
			Clock clock, Duration timeout) {
		this(config, dockerConfig, constant(withoutRedirects(Objects.requireNonNull(http, "http"))), clock, timeout);
	}

	private RegistryClient(Supplier<RegistriesConfig> config, DockerConfigCredentials dockerConfig,
			Supplier<HttpClient> http, Clock clock, Duration timeout) {
		this.config = Objects.requireNonNull(config, "config");
		this.dockerConfig = Objects.requireNonNull(dockerConfig, "dockerConfig");
		this.http = http;
		this.timeout = timeout;
		this.tokens = new TokenCache(clock);
	}

	private static HttpClient withoutRedirects(HttpClient http) {
		if (http.followRedirects() != HttpClient.Redirect.NEVER) {
			throw new IllegalArgumentException("the registry client follows redirects itself, so that Authorization "
					+ "never reaches another host; pass an HttpClient with Redirect.NEVER");
		}
		return http;
	}

	private static Supplier<HttpClient> constant(HttpClient http) {
		return () -> http;
	}

	/** An HttpClient suited to registries: no automatic redirects, a connect timeout. */
	public static HttpClient newHttpClient() {
		return HttpClient.newBuilder()
			.followRedirects(HttpClient.Redirect.NEVER)
			.connectTimeout(Duration.ofSeconds(15))
			.build();
	}

	/** Where a pull of {@code ref} looks, in order (registries.conf mirrors first); see {@link RegistriesConfig#endpointsFor}. */
	public java.util.List<Endpoint> endpointsFor(ImageReference ref) {
		return config.get().endpointsFor(ref);
	}

	/**
	 * Opens a pull session for one reference: picks the endpoints (mirrors in order, then the
	 * registry itself) from registries.conf. No network traffic yet.
	 * @param credentials from the CRI request; {@link RegistryCredentials#NONE} to use config.json
	 */
	public PullSession open(ImageReference ref, RegistryCredentials credentials) {
		RegistriesConfig current = this.config.get();
		return new RegistryPullSession(this.http.get(), this.timeout, this.tokens, this.dockerConfig, ref,
				current.endpointsFor(ref), credentials, current.source());
	}

}
