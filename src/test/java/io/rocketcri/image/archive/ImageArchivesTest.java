package io.rocketcri.image.archive;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.rocketcri.config.Json;
import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.image.ImageRecord;
import io.rocketcri.image.ImageService;
import io.rocketcri.image.ImageServiceFixture;
import io.rocketcri.image.archive.ArchiveFixtures.Member;
import io.rocketcri.testsupport.BuiltImage;
import io.rocketcri.testsupport.LayerBuilder;
import io.rocketcri.testsupport.OciImageBuilder;
import io.rocketcri.testsupport.OciImageBuilder.Compression;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static io.rocketcri.image.archive.ArchiveFixtures.aci;
import static io.rocketcri.image.archive.ArchiveFixtures.aciManifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Import of ACI, OCI layout and docker save archives, and export, against a real image service. */
class ImageArchivesTest {

	@TempDir
	Path temp;

	ImageServiceFixture node;

	ImageArchives archives;

	@BeforeEach
	void node() throws IOException {
		this.node = new ImageServiceFixture(this.temp.resolve("node"));
		this.archives = new ImageArchives(this.node.service(), this.node.content(), this.temp.resolve("node/archive-staging"));
	}

	static LayerBuilder appRootfs() {
		return LayerBuilder.create()
			.file("etc/passwd", "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n")
			.dir("home/app", 0755, 1000, 2000)
			.file("bin/app.sh", "#!/bin/sh\nid -u\n".getBytes(), 0755)
			.hardlink("bin/app-link.sh", "bin/app.sh");
	}

	static Map<String, Object> app() {
		Map<String, Object> app = new LinkedHashMap<>();
		app.put("exec", List.of("/bin/app.sh", "--quiet"));
		app.put("user", "app");
		app.put("group", "/home/app");
		app.put("environment", List.of(Map.of("name", "GREETING", "value", "hello world")));
		app.put("workingDirectory", "/home/app");
		app.put("ports", List.of(Map.of("name", "http", "port", 8080, "protocol", "tcp"),
				Map.of("name", "range", "port", 9000, "count", 2, "protocol", "udp")));
		app.put("mountPoints", List.of(Map.of("name", "data", "path", "/var/data", "readOnly", true)));
		app.put("supplementaryGIDs", List.of(100, 200));
		return app;
	}

	@Test
	void aciBecomesAnOciImageNamedByNameAndVersionWithItsAppAsConfig() throws IOException {
		byte[] file = aci(aciManifest("example.com/app", "1.0.0", app()), appRootfs());

		List<ImageRecord> imported = this.archives.importArchive(new ByteArrayInputStream(file), "app.aci");

		assertThat(imported).hasSize(1);
		ImageRecord image = imported.getFirst();
		assertThat(image.repoTags()).containsExactly("example.com/app:1.0.0");
		assertThat(this.node.service().find("example.com/app:1.0.0")).contains(image);
		assertThat(image.username()).isEqualTo("app");
		assertThat(image.pulledFrom()).isEqualTo("archive:app.aci");
		ImageService.ImageDetails details = this.node.service().details(image);
		assertThat(details.config().entrypoint()).containsExactly("/bin/app.sh", "--quiet");
		assertThat(details.config().cmd()).isEmpty();
		assertThat(details.config().user()).as("group given as a path: its owner's gid").isEqualTo("app:2000");
		assertThat(details.config().env()).containsExactly("GREETING=hello world");
		assertThat(details.config().workingDir()).isEqualTo("/home/app");
		assertThat(details.config().volumes()).containsExactly("/var/data");
		assertThat(details.config().labels()).containsEntry("io.rocketcri.appc.supplementary-gids", "100,200")
			.containsEntry("io.rocketcri.appc.mount.data", "/var/data:ro")
			.containsEntry("io.rocketcri.appc.label.version", "1.0.0")
			.containsKey("io.rocketcri.appc.image-id");
		JsonNode config = Json.MAPPER.readTree(details.configJson());
		List<String> ports = new ArrayList<>(config.path("config").path("ExposedPorts").propertyNames());
		assertThat(ports).containsExactly("8080/tcp", "9000/udp", "9001/udp");
		assertThat(config.path("os").asString()).isEqualTo("linux");

		Path layer = this.node.service().layerPaths(image).getFirst();
		assertThat(layer.resolve("bin/app.sh")).hasContent("#!/bin/sh\nid -u");
		assertThat(Files.isSameFile(layer.resolve("bin/app.sh"), layer.resolve("bin/app-link.sh"))).isTrue();
		assertThat(layer.resolve("rootfs")).doesNotExist();
	}

	@Test
	void theSameAciGzippedOrNotImportsToTheSameImage() {
		byte[] file = aci(aciManifest("example.com/app", "1.0.0", app()), appRootfs());

		ImageRecord plain = this.archives.importArchive(new ByteArrayInputStream(file), "app.aci").getFirst();
		ImageRecord gzipped = this.archives
			.importArchive(new ByteArrayInputStream(ArchiveFixtures.gzip(file)), "app.aci.gz")
			.getFirst();

		assertThat(gzipped.id()).isEqualTo(plain.id());
		assertThat(gzipped.manifestDigest()).isEqualTo(plain.manifestDigest());
	}

	@Test
	void aciWithoutVersionIsLatestAndWithoutAppHasNoEntrypoint() {
		byte[] file = aci(aciManifest("example.com/files", null, null), LayerBuilder.create().file("etc/motd", "hi\n"));

		ImageRecord image = this.archives.importArchive(new ByteArrayInputStream(file), "files.aci").getFirst();

		assertThat(image.repoTags()).containsExactly("example.com/files:latest");
		assertThat(this.node.service().details(image).config().entrypoint()).isEmpty();
	}

	@Test
	void aciDependenciesOnThisNodeGoBelowTheRootfsAndMissingOnesAreNamed() throws IOException {
		Map<String, Object> manifest = aciManifest("example.com/app", "2", app());
		manifest.put("dependencies", List.of(Map.of("imageName", "example.com/base", "labels",
				List.of(Map.of("name", "version", "value", "1"))), Map.of("imageName", "example.com/certs")));
		byte[] app = aci(manifest, appRootfs());

		assertThatThrownBy(() -> this.archives.importArchive(new ByteArrayInputStream(app), "app.aci"))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("example.com/base:1")
			.hasMessageContaining("example.com/certs:latest");
		assertThat(this.node.stored()).isEmpty();

		ImageRecord base = importOne(aci(aciManifest("example.com/base", "1", null), LayerBuilder.create().file("etc/base", "base\n")));
		ImageRecord certs = importOne(aci(aciManifest("example.com/certs", null, null), LayerBuilder.create().file("etc/certs", "certs\n")));
		ImageRecord image = importOne(app);

		assertThat(image.chainIds()).hasSize(3);
		assertThat(image.chainIds().get(0)).isEqualTo(base.chainIds().getFirst());
		assertThat(this.node.service().details(image).config().diffIds().get(1))
			.isEqualTo(this.node.service().details(certs).config().diffIds().getFirst());
		assertThat(this.node.service().layerPaths(image).get(1).resolve("etc/certs")).hasContent("certs");
		assertThat(this.node.service().layerPaths(image).get(2).resolve("bin/app.sh")).exists();
	}

	@Test
	void ociLayoutImportKeepsImageIdAndManifestDigestAndPicksThisPlatform() {
		BuiltImage multi = OciImageBuilder.scratch().layer(LayerBuilder.create().file("etc/motd", "multi\n"))
			.cmd("sh")
			.multiPlatform()
			.build();
		BuiltImage single = OciImageBuilder.scratch().layer(LayerBuilder.create().file("etc/motd", "single\n"))
			.compression(Compression.ZSTD)
			.build();
		Map<String, BuiltImage> images = new LinkedHashMap<>();
		images.put("example.com/multi:1", multi);
		images.put("registry.local:5000/team/single:v2", single);

		List<ImageRecord> imported = this.archives.importArchive(new ByteArrayInputStream(ArchiveFixtures.ociLayout(images)),
				"images.oci.tar");

		assertThat(imported).extracting(ImageRecord::id).containsExactly(multi.imageId(), single.imageId());
		assertThat(imported).extracting(ImageRecord::manifestDigest)
			.containsExactly(multi.manifestDigest(), single.manifestDigest());
		assertThat(imported.get(0).repoTags()).containsExactly("example.com/multi:1");
		assertThat(imported.get(1).repoTags()).containsExactly("registry.local:5000/team/single:v2");
	}

	@Test
	void dockerSaveWithSeveralImagesSharingALayer() {
		LayerBuilder base = LayerBuilder.create().file("etc/base", "base\n");
		BuiltImage one = OciImageBuilder.scratch().format(OciImageBuilder.Format.DOCKER_SCHEMA2).compression(Compression.NONE)
			.layer(base).layer(LayerBuilder.create().file("etc/one", "1\n")).build();
		BuiltImage two = OciImageBuilder.scratch().format(OciImageBuilder.Format.DOCKER_SCHEMA2).compression(Compression.NONE)
			.layer(base).layer(LayerBuilder.create().file("etc/two", "2\n")).build();
		Map<String, BuiltImage> images = new LinkedHashMap<>();
		images.put("busybox:one", one);
		images.put("example.com/two:latest", two);

		List<ImageRecord> imported = this.archives.importArchive(new ByteArrayInputStream(ArchiveFixtures.dockerSave(images)),
				"images.tar");

		assertThat(imported).extracting(ImageRecord::id).containsExactly(one.imageId(), two.imageId());
		assertThat(imported.get(0).repoTags()).containsExactly("docker.io/library/busybox:one");
		assertThat(imported.get(0).chainIds().getFirst()).isEqualTo(imported.get(1).chainIds().getFirst());
		Path layer = this.node.service().layerPaths(imported.get(1)).get(1);
		assertThat(layer.resolve("etc/two")).hasContent("2");
	}

	@Test
	void exportThenImportElsewhereGivesTheSameImageIdAndManifestDigest() throws IOException {
		BuiltImage built = OciImageBuilder.scratch().layer(LayerBuilder.create().file("etc/motd", "exported\n"))
			.layer(LayerBuilder.create().file("etc/more", "more\n"), Compression.ZSTD)
			.build();
		ImageRecord original = importOne(ArchiveFixtures.ociLayout(Map.of("example.com/exported:1", built)));
		ImageRecord aci = importOne(aci(aciManifest("example.com/app", "1.0.0", app()), appRootfs()));

		ImageServiceFixture other = new ImageServiceFixture(this.temp.resolve("other"));
		ImageArchives otherArchives = new ImageArchives(other.service(), other.content(), this.temp.resolve("other/staging"));
		for (ImageRecord image : List.of(original, aci)) {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			this.archives.exportOci(image.repoTags().getFirst(), out);

			ImageRecord copy = otherArchives.importArchive(new ByteArrayInputStream(out.toByteArray()), "export.tar")
				.getFirst();

			assertThat(copy.id()).isEqualTo(image.id());
			assertThat(copy.manifestDigest()).isEqualTo(image.manifestDigest());
			assertThat(copy.repoTags()).isEqualTo(image.repoTags());
			assertThat(copy.chainIds()).isEqualTo(image.chainIds());
		}
	}

	@Test
	void exportByShortIdOfAnImageThatIsNotHereIsNotFound() {
		assertThatThrownBy(() -> this.archives.exportOci("example.com/nothing:1", new ByteArrayOutputStream()))
			.isInstanceOf(io.rocketcri.failure.NotFound.class);
	}

	private ImageRecord importOne(byte[] archive) {
		return this.archives.importArchive(new ByteArrayInputStream(archive), "test.tar").getFirst();
	}

	static byte[] corrupt(byte[] bytes, int at) {
		byte[] copy = Arrays.copyOf(bytes, bytes.length);
		copy[at] ^= 0x01;
		return copy;
	}

	static List<Member> members(Member... members) {
		return List.of(members);
	}

}
