package io.rocketcri.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketcri.engine.FakeHostOs;
import io.rocketcri.image.content.ContentStore;
import io.rocketcri.image.registry.DockerConfigCredentials;
import io.rocketcri.image.registry.RegistriesConfig;
import io.rocketcri.image.registry.RegistryClient;
import io.rocketcri.image.snapshot.LayerUnpacker;
import io.rocketcri.image.snapshot.SnapshotStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.support.StaticListableBeanFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the rkt handler fetches an image rocket-cri pulled: the same places, mirrors first, by digest. */
class ImageFetchSourcesTest {

	private static final String DIGEST = "sha256:" + "ab".repeat(32);

	@TempDir
	Path tmp;

	private ImageService service() throws IOException {
		Path conf = Files.writeString(tmp.resolve("registries.conf"), """
				[[registry]]
				prefix = "registry.k8s.io"
				location = "registry.k8s.io"
				[[registry.mirror]]
				location = "127.0.0.1:5000"
				insecure = true
				""");
		RegistryClient registry = new RegistryClient(RegistriesConfig.load(conf), DockerConfigCredentials.none(),
				RegistryClient.newHttpClient());
		ImagePuller puller = new ImagePuller(registry, new ContentStore(tmp.resolve("content")), new SnapshotStore(tmp),
				new LayerUnpacker(new FakeHostOs()), null, new LayerLeases(), 1, new SimpleMeterRegistry());
		return new ImageService(null, puller, null, null, new LayerLeases(),
				new StaticListableBeanFactory().getBeanProvider(LayerUsers.class));
	}

	private static ImageRecord image(List<String> tags) {
		return new ImageRecord("sha256:" + "cd".repeat(32), DIGEST, "application/vnd.docker.distribution.manifest.v2+json",
				1, null, "", false, "127.0.0.1:5000", Instant.now(), tags, List.of(), List.of(), List.of());
	}

	@Test
	void aMirroredImageIsFetchedFromTheMirrorFirstThenTheRegistry() throws IOException {
		assertThat(service().fetchSources(image(List.of("registry.k8s.io/e2e-test-images/busybox:1.29-2")),
				"registry.k8s.io/e2e-test-images/busybox:1.29-2"))
			.containsExactly("127.0.0.1:5000/e2e-test-images/busybox@" + DIGEST,
					"registry.k8s.io/e2e-test-images/busybox@" + DIGEST);
	}

	@Test
	void anImageAskedForByIdIsFetchedByTheNameItWasPulledAs() throws IOException {
		assertThat(service().fetchSources(image(List.of("docker.io/library/busybox:1")), "sha256:" + "cd".repeat(32)))
			.containsExactly("registry-1.docker.io/library/busybox@" + DIGEST);
	}

	@Test
	void anImageWithoutANameHasNoSource() throws IOException {
		assertThat(service().fetchSources(image(List.of()), "cd".repeat(32))).isEmpty();
	}

}
