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

	/** Built on the first pull: java.net.http and TLS are some 500 classes a node that never pulls need not hold. */
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
	 * restart, and the HttpClient built by {@link #newHttpClient()} when the first pull opens,
	 * not at start-up.
	 */
	public RegistryClient(Supplier<RegistriesConfig> config, DockerConfigCredentials dockerConfig) {
		this(config, dockerConfig, new OnFirstUse<>(RegistryClient::newHttpClient), Clock.systemUTC(),
				DEFAULT_TIMEOUT);
	}

	RegistryClient(RegistriesConfig config, DockerConfigCredentials dockerConfig, HttpClient http, Clock clock,
			Duration timeout) {
		this(() -> config, dockerConfig, http, clock, timeout);
	}

	private RegistryClient(Supplier<RegistriesConfig> config, DockerConfigCredentials dockerConfig, HttpClient http,
			Clock clock, Duration timeout) {
		this(config, dockerConfig, withoutRedirects(Objects.requireNonNull(http, "http")), clock, timeout);
	}

	private RegistryClient(Supplier<RegistriesConfig> config, DockerConfigCredentials dockerConfig,
			Supplier<HttpClient> http, Clock clock, Duration timeout) {
		this.config = Objects.requireNonNull(config, "config");
		this.dockerConfig = Objects.requireNonNull(dockerConfig, "dockerConfig");
		this.http = http;
		this.timeout = timeout;
		this.tokens = new TokenCache(clock);
	}

	private static Supplier<HttpClient> withoutRedirects(HttpClient http) {
		if (http.followRedirects() != HttpClient.Redirect.NEVER) {
			throw new IllegalArgumentException("the registry client follows redirects itself, so that Authorization "
					+ "never reaches another host; pass an HttpClient with Redirect.NEVER");
		}
		return () -> http;
	}

	/** An HttpClient suited to registries: no automatic redirects, a connect timeout. */
	public static HttpClient newHttpClient() {
		return HttpClient.newBuilder()
			.followRedirects(HttpClient.Redirect.NEVER)
			.connectTimeout(Duration.ofSeconds(15))
			.build();
	}

	/**
	 * Opens a pull session for one reference: picks the endpoints (mirrors in order, then the
	 * registry itself) from registries.conf. No network traffic yet.
	 * @param credentials from the CRI request; {@link RegistryCredentials#NONE} to use config.json
	 */
	/** Where a pull of {@code ref} looks, in order (registries.conf mirrors first); see {@link RegistriesConfig#endpointsFor}. */
	public java.util.List<Endpoint> endpointsFor(ImageReference ref) {
		return config.get().endpointsFor(ref);
	}

	public PullSession open(ImageReference ref, RegistryCredentials credentials) {
		RegistriesConfig current = this.config.get();
		return new RegistryPullSession(this.http.get(), this.timeout, this.tokens, this.dockerConfig, ref,
				current.endpointsFor(ref), credentials, current.source());
	}

	/** A value computed once, by the first caller that needs it. */
	private static final class OnFirstUse<T> implements Supplier<T> {

		private final Supplier<T> factory;

		private volatile T value;

		OnFirstUse(Supplier<T> factory) {
			this.factory = factory;
		}

		@Override
		public T get() {
			T current = this.value;
			if (current == null) {
				synchronized (this) {
					current = this.value;
					if (current == null) {
						current = this.factory.get();
						this.value = current;
					}
				}
			}
			return current;
		}

	}

}
