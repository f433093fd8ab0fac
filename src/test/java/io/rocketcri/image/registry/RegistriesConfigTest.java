package io.rocketcri.image.registry;

import io.rocketcri.image.reference.ImageReference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistriesConfigTest {

	private static final String SHA = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

	private static final String CONF = """
			unqualified-search-registries = ["docker.io"]

			[[registry]]
			prefix = "registry.k8s.io"
			location = "registry.k8s.io"
			[[registry.mirror]]
			location = "127.0.0.1:5000"
			insecure = true
			[[registry.mirror]]
			location = "127.0.0.1:5001/k8s"
			insecure = true
			pull-from-mirror = "digest-only"

			[[registry]]
			prefix = "registry.k8s.io/e2e-test-images"
			location = "127.0.0.1:6000/e2e"
			insecure = true

			[[registry]]
			location = "localhost:5000"
			insecure = true

			[[registry]]
			prefix = "docker.io/library"
			mirror = [{ location = "mirror.gcr.io/library" }]
			mirror-by-digest-only = true

			[[registry]]
			prefix = "*.internal.example"
			insecure = true
			[[registry.mirror]]
			location = "cache.example/internal"

			[[registry]]
			prefix = "evil.example"
			blocked = true
			""";

	private final RegistriesConfig config = RegistriesConfig.parse(CONF, "test.conf");

	@Test
	void mirrorsComeFirstRewrittenByPrefixThenTheRegistryItself() {
		assertThat(this.config.endpointsFor(ImageReference.parse("registry.k8s.io/pause:3.10"))).containsExactly(
				new Endpoint("127.0.0.1:5000", "pause", true, true),
				new Endpoint("registry.k8s.io", "pause", false, false));
	}

	@Test
	void digestOnlyMirrorsServeOnlyPinnedReferences() {
		assertThat(this.config.endpointsFor(ImageReference.parse("registry.k8s.io/pause@" + SHA))).containsExactly(
				new Endpoint("127.0.0.1:5000", "pause", true, true),
				new Endpoint("127.0.0.1:5001", "k8s/pause", true, true),
				new Endpoint("registry.k8s.io", "pause", false, false));
	}

	@Test
	void longestPrefixWinsAndItsLocationReplacesThePrefix() {
		assertThat(this.config.endpointsFor(ImageReference.parse("registry.k8s.io/e2e-test-images/busybox:1.29-4")))
			.containsExactly(new Endpoint("127.0.0.1:6000", "e2e/busybox", true, false));
	}

	@Test
	void locationAloneIsItsOwnPrefixAndMarksItInsecure() {
		assertThat(this.config.endpointsFor(ImageReference.parse("localhost:5000/team/app:v1")))
			.containsExactly(new Endpoint("localhost:5000", "team/app", true, false));
	}

	@Test
	void prefixMatchesOnlyAtAPathBoundary() {
		assertThat(this.config.endpointsFor(ImageReference.parse("registry.k8s.io.evil.com/pause")))
			.containsExactly(new Endpoint("registry.k8s.io.evil.com", "pause", false, false));
	}

	@Test
	void dockerHubGoesToItsApiHostAndMirrorByDigestOnlyKeepsTagsOffTheMirror() {
		assertThat(this.config.endpointsFor(ImageReference.parse("busybox")))
			.containsExactly(new Endpoint("registry-1.docker.io", "library/busybox", false, false));
		assertThat(this.config.endpointsFor(ImageReference.parse("busybox@" + SHA))).containsExactly(
				new Endpoint("mirror.gcr.io", "library/busybox", false, true),
				new Endpoint("registry-1.docker.io", "library/busybox", false, false));
	}

	@Test
	void wildcardPrefixCoversSubdomainsAndKeepsTheirHost() {
		assertThat(this.config.endpointsFor(ImageReference.parse("a.internal.example/x/y:1"))).containsExactly(
				new Endpoint("cache.example", "internal/x/y", false, true),
				new Endpoint("a.internal.example", "x/y", true, false));
	}

	@Test
	void blockedRegistryHasNoEndpoints() {
		ImageReference ref = ImageReference.parse("evil.example/x");
		assertThat(this.config.blocked(ref)).isTrue();
		assertThat(this.config.endpointsFor(ref)).isEmpty();
		assertThat(this.config.blocked(ImageReference.parse("busybox"))).isFalse();
	}

	@Test
	void missingFileIsTheEmptyConfigWithEverythingDirectOverHttps(@TempDir Path dir) {
		RegistriesConfig empty = RegistriesConfig.load(dir.resolve("registries.conf"));
		assertThat(empty.endpointsFor(ImageReference.parse("127.0.0.1:5000/busybox:1.36")))
			.containsExactly(new Endpoint("127.0.0.1:5000", "busybox", false, false));
	}

	@Test
	void readsV1InsecureAndBlockLists(@TempDir Path dir) throws IOException {
		Path file = Files.writeString(dir.resolve("registries.conf"), """
				[registries.search]
				registries = ["docker.io"]
				[registries.insecure]
				registries = ["127.0.0.1:5000"]
				[registries.block]
				registries = ["bad.example"]
				""");
		RegistriesConfig v1 = RegistriesConfig.load(file);
		assertThat(v1.endpointsFor(ImageReference.parse("127.0.0.1:5000/busybox")))
			.containsExactly(new Endpoint("127.0.0.1:5000", "busybox", true, false));
		assertThat(v1.blocked(ImageReference.parse("bad.example/x"))).isTrue();
	}

	@Test
	void invalidFileIsReportedWithItsNameAndLine(@TempDir Path dir) throws IOException {
		Path file = Files.writeString(dir.resolve("registries.conf"), "[[registry]]\nlocation = 5000\n");
		assertThatThrownBy(() -> RegistriesConfig.load(file)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining(file.toString())
			.hasMessageContaining("registry.location must be a string");
		Path broken = Files.writeString(dir.resolve("broken.conf"), "[[registry]]\nlocation = \"x\n");
		assertThatThrownBy(() -> RegistriesConfig.load(broken)).hasMessageContaining(broken.toString())
			.hasMessageContaining("line 2: unterminated string");
		Path badMirror = Files.writeString(dir.resolve("m.conf"),
				"[[registry]]\nprefix = \"a.io\"\n[[registry.mirror]]\nlocation = \"b.io\"\npull-from-mirror = \"some\"\n");
		assertThatThrownBy(() -> RegistriesConfig.load(badMirror)).hasMessageContaining("pull-from-mirror");
	}

}
