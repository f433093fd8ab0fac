package io.rocketcri.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real registry for tests: Debian's {@code docker-registry} (distribution 2.8), plain HTTP on
 * 127.0.0.1.
 *
 * <ul>
 * <li>{@link #shared()}: the registry of the whole test JVM. If {@code ROCKET_TEST_REGISTRY}
 * ({@code host:port}) is set, as {@code .ci/run} does, that one; else an own instance on a free
 * port with a temp storage dir, started on first use and stopped by a shutdown hook.</li>
 * <li>{@link #start()} / {@link #startWithBasicAuth}: a further own instance that the caller
 * closes (try-with-resources or {@code @AfterAll}).</li>
 * </ul>
 *
 * <p>Basic auth: distribution's {@code htpasswd} access controller accepts only bcrypt entries.
 * The entry is made by Apache's {@code htpasswd -nbB} (Debian package apache2-utils, which
 * {@code .ci/run} installs) with cost 5: the registry checks the hash on every request, and the
 * default cost 10 costs ~50 ms per request. Nothing on the test classpath computes bcrypt
 * (no Spring Security crypto, no BouncyCastle; commons-codec has only MD5/SHA crypt).
 *
 * <p>Own instances need {@code /usr/bin/docker-registry} (Debian package docker-registry).
 */
public final class TestRegistry implements AutoCloseable {

	/** Environment variable naming an already running registry, {@code host:port}. */
	public static final String ENV = "ROCKET_TEST_REGISTRY";

	public static final Path BINARY = Path.of("/usr/bin/docker-registry");

	public static final Path HTPASSWD = Path.of("/usr/bin/htpasswd");

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

	private static TestRegistry shared;

	private final String address;
	private final Optional<RegistryCredentials> credentials;
	private final Process process;
	private final Path dir;

	private TestRegistry(String address, Optional<RegistryCredentials> credentials, Process process, Path dir) {
		this.address = address;
		this.credentials = credentials;
		this.process = process;
		this.dir = dir;
	}

	/** The registry shared by all tests of this JVM (see class doc); never close it. */
	public static synchronized TestRegistry shared() {
		if (shared == null) {
			String env = System.getenv(ENV);
			if (env != null && !env.isBlank()) {
				shared = new TestRegistry(env.strip(), Optional.empty(), null, null);
			}
			else {
				TestRegistry own = launch(Optional.empty());
				Runtime.getRuntime().addShutdownHook(new Thread(own::stop, "test-registry-stop"));
				shared = own;
			}
		}
		return shared;
	}

	/** A new own registry without auth; close it when done. */
	public static TestRegistry start() {
		return launch(Optional.empty());
	}

	/** A new own registry that wants basic auth with these credentials; close it when done. */
	public static TestRegistry startWithBasicAuth(String username, String password) {
		return launch(Optional.of(new RegistryCredentials(username, password)));
	}

	/** {@code host:port}, e.g. {@code 127.0.0.1:5000}: the registry part of image references. */
	public String address() {
		return address;
	}

	/** {@code http://host:port}. */
	public URI baseUri() {
		return URI.create("http://" + address);
	}

	/** The credentials this registry wants, if it was started with basic auth. */
	public Optional<RegistryCredentials> credentials() {
		return credentials;
	}

	/** Whether this JVM started the registry (false for one named by {@value #ENV}). */
	public boolean isOwned() {
		return process != null;
	}

	/** A pusher for this registry, with its credentials if any. */
	public RegistryPusher pusher() {
		return new RegistryPusher(address, credentials);
	}

	/** A repository name no other test uses: {@code <prefix>-<random>} (prefix lower case, may hold '/'). */
	public static String uniqueRepository(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/** Stops an own registry and deletes its storage; no-op for the shared one and an external one. */
	@Override
	public void close() {
		if (this != shared) {
			stop();
		}
	}

	@Override
	public String toString() {
		return "TestRegistry[" + address + (credentials.isPresent() ? ", basic auth" : "")
				+ (isOwned() ? ", own" : ", external") + "]";
	}

	private void stop() {
		if (process == null) {
			return;
		}
		process.destroy();
		try {
			if (!process.waitFor(5, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
		}
		deleteTree(dir);
	}

	private static TestRegistry launch(Optional<RegistryCredentials> credentials) {
		if (!Files.isExecutable(BINARY)) {
			throw new IllegalStateException(BINARY + " not found: install Debian's docker-registry "
					+ "(apt-get install docker-registry), or set " + ENV + "=host:port to a running registry");
		}
		Path dir;
		try {
			dir = Files.createTempDirectory("rocket-test-registry-");
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		PortTaken last = null;
		for (int attempt = 1; attempt <= 5; attempt++) {
			try {
				return launchOn(dir, freePort(), credentials);
			}
			catch (PortTaken e) {
				last = e; // another process bound the port between our probe and the registry's bind
			}
			catch (RuntimeException e) {
				deleteTree(dir);
				throw e;
			}
		}
		deleteTree(dir);
		throw new IllegalStateException("docker-registry found no free port", last);
	}

	private static final class PortTaken extends RuntimeException {

		PortTaken(String message) {
			super(message);
		}

	}

	private static TestRegistry launchOn(Path dir, int port, Optional<RegistryCredentials> credentials) {
		String address = "127.0.0.1:" + port;
		Path config = dir.resolve("config.yml");
		Path log = dir.resolve("registry.log");
		StringBuilder yml = new StringBuilder("""
				version: 0.1
				log:
				  level: warn
				  accesslog:
				    disabled: true
				storage:
				  filesystem:
				    rootdirectory: %s
				  delete:
				    enabled: true
				http:
				  addr: %s
				  secret: %s
				""".formatted(dir.resolve("data"), address, UUID.randomUUID()));
		try {
			if (credentials.isPresent()) {
				Path htpasswd = dir.resolve("htpasswd");
				Files.writeString(htpasswd, htpasswdLine(credentials.get()) + "\n");
				yml.append("""
						auth:
						  htpasswd:
						    realm: rocket-test-registry
						    path: %s
						""".formatted(htpasswd));
			}
			Files.writeString(config, yml);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		Process p;
		try {
			p = new ProcessBuilder(BINARY.toString(), "serve", config.toString()).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot start " + BINARY, e);
		}
		TestRegistry registry = new TestRegistry(address, credentials, p, dir);
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(2))
			.build();
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!p.isAlive()) {
				String tail = tail(log);
				if (tail.contains("address already in use")) {
					throw new PortTaken(address + ": " + tail);
				}
				throw new IllegalStateException("docker-registry on " + address + " exited with " + p.exitValue()
						+ ": " + tail);
			}
			try {
				HttpResponse<Void> r = http.send(HttpRequest.newBuilder(registry.baseUri().resolve("/v2/"))
					.timeout(Duration.ofSeconds(2))
					.GET()
					.build(), HttpResponse.BodyHandlers.discarding());
				// 401 is the answer of a registry with auth to an anonymous request: it is up
				if (r.statusCode() == 200 || (credentials.isPresent() && r.statusCode() == 401)) {
					return registry;
				}
			}
			catch (IOException e) {
				// not listening yet
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				p.destroyForcibly();
				throw new IllegalStateException("interrupted while starting docker-registry", e);
			}
			sleep(100);
		}
		p.destroyForcibly();
		throw new IllegalStateException("docker-registry did not answer on http://" + address + "/v2/ within "
				+ STARTUP_TIMEOUT.toSeconds() + " s: " + tail(log));
	}

	/** An htpasswd line {@code user:$2y$05$...} (bcrypt) made by Apache's htpasswd. */
	static String htpasswdLine(RegistryCredentials c) {
		if (!Files.isExecutable(HTPASSWD)) {
			throw new IllegalStateException(HTPASSWD + " not found: install Debian's apache2-utils "
					+ "(apt-get install apache2-utils); it makes the bcrypt htpasswd entry of the basic-auth registry");
		}
		try {
			Process p = new ProcessBuilder(HTPASSWD.toString(), "-n", "-b", "-B", "-C", "5", c.username(),
					c.password()).redirectErrorStream(true).start();
			p.getOutputStream().close();
			String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
				throw new IllegalStateException("htpasswd failed: " + out);
			}
			String line = out.lines().filter(l -> l.startsWith(c.username() + ":$2")).findFirst()
				.orElseThrow(() -> new IllegalStateException("htpasswd gave no bcrypt line: " + out));
			return line.strip();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

	private static int freePort() {
		try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return s.getLocalPort();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private static String tail(Path log) {
		try {
			List<String> lines = Files.readAllLines(log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
		}
		catch (IOException e) {
			return "(no log: " + e.getMessage() + ")";
		}
	}

	private static void sleep(long ms) {
		try {
			Thread.sleep(ms);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	private static void deleteTree(Path dir) {
		if (dir == null || !Files.exists(dir)) {
			return;
		}
		try (Stream<Path> walk = Files.walk(dir)) {
			walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		}
		catch (IOException e) {
			// best effort: a temp dir left behind is harmless
		}
	}

}
