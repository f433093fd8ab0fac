package io.rocketcri.image.registry;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestParserTest {

	private static final String A = "sha256:" + "a".repeat(64);

	private static final String B = "sha256:" + "b".repeat(64);

	@Test
	void readsAnImageManifest() {
		byte[] raw = """
				{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
				 "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"%s","size":7},
				 "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"%s","size":9,
				            "urls":["https://x/y"],"annotations":{"k":"v"}}]}
				""".formatted(A, B).getBytes(StandardCharsets.UTF_8);
		Manifest manifest = ManifestParser.parse(raw, "application/json", "sha256:" + "c".repeat(64));
		assertThat(manifest.isIndex()).isFalse();
		assertThat(manifest.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
		assertThat(manifest.config()).isEqualTo(Descriptor.of(MediaTypes.DOCKER_CONFIG, A, 7));
		assertThat(manifest.layers()).singleElement().satisfies(layer -> {
			assertThat(layer.digest()).isEqualTo(B);
			assertThat(layer.size()).isEqualTo(9);
			assertThat(layer.urls()).containsExactly("https://x/y");
			assertThat(layer.annotations()).containsEntry("k", "v");
		});
	}

	@Test
	void readsAnIndexTakingTheMediaTypeFromContentTypeWhenTheDocumentHasNone() {
		byte[] raw = """
				{"schemaVersion":2,"manifests":[
				 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":1,
				  "platform":{"os":"linux","architecture":"arm64","variant":"v8"}}]}
				""".formatted(A).getBytes(StandardCharsets.UTF_8);
		Manifest index = ManifestParser.parse(raw, MediaTypes.OCI_INDEX + "; charset=utf-8", B);
		assertThat(index.isIndex()).isTrue();
		assertThat(index.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
		assertThat(index.manifests()).singleElement()
			.extracting(Descriptor::platform)
			.isEqualTo(new Platform("linux", "arm64", "v8"));
	}

	@Test
	void rejectsSchema1AndUnsafeDigests() {
		byte[] schema1 = "{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}".getBytes(StandardCharsets.UTF_8);
		assertThatThrownBy(() -> ManifestParser.parse(schema1, MediaTypes.DOCKER_SCHEMA1_SIGNED_MANIFEST, A))
			.hasMessageContaining("schema1");
		byte[] traversal = """
				{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
				 "config":{"digest":"sha256:../../etc","size":1},"layers":[]}
				""".getBytes(StandardCharsets.UTF_8);
		assertThatThrownBy(() -> ManifestParser.parse(traversal, null, A)).hasMessageContaining("unusable digest");
		assertThatThrownBy(() -> ManifestParser.parse("<html>".getBytes(StandardCharsets.UTF_8), null, A))
			.hasMessageContaining("not valid JSON");
	}

}
