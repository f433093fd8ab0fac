package io.rocketcri.image.archive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.image.ImageServiceFixture;
import io.rocketcri.image.archive.ArchiveFixtures.Member;
import io.rocketcri.testsupport.Blob;
import io.rocketcri.testsupport.BuiltImage;
import io.rocketcri.testsupport.LayerBuilder;
import io.rocketcri.testsupport.OciImageBuilder;
import io.rocketcri.testsupport.OciImageBuilder.Compression;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.rocketcri.image.archive.ArchiveFixtures.aciManifest;
import static io.rocketcri.image.archive.ArchiveFixtures.jsonFile;
import static io.rocketcri.image.archive.ArchiveFixtures.tar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Archives an import must refuse: each is refused with InvalidArgument naming the reason, and
 * leaves nothing behind (no image, layer, blob, snapshot, ingest or staging file).
 */
class HostileArchivesTest {

	@TempDir
	Path temp;

	ImageServiceFixture node;

	ImageArchives archives;

	@BeforeEach
	void node() throws IOException {
		this.node = new ImageServiceFixture(this.temp.resolve("node"));
		this.archives = new ImageArchives(this.node.service(), this.node.content(), staging());
	}

	Path staging() {
		return this.temp.resolve("node/archive-staging");
	}

	static Stream<Arguments> hostile() {
		return Stream.of(
				refused("archive member climbing out", "escapes the archive root",
						() -> tar(List.of(Member.file("../evil", "x"), jsonFile("manifest", valid()), Member.dir("rootfs/")))),
				refused("archive member with an absolute path", "absolute path",
						() -> tar(List.of(jsonFile("manifest", valid()), Member.dir("rootfs/"), Member.file("/etc/cron.d/evil", "x")))),
				refused("ACI rootfs member climbing out", "escapes the archive root",
						() -> aci(Member.file("rootfs/../../etc/passwd", "x"))),
				refused("ACI symlink then a file through it", "symbolic link",
						() -> aci(Member.symlink("rootfs/etc", "/etc"), Member.file("rootfs/etc/passwd", "x"))),
				refused("ACI relative symlink out then a file through it", "symbolic link",
						() -> aci(Member.dir("rootfs/a/"), Member.symlink("rootfs/a/up", "../../.."), Member.file("rootfs/a/up/x", "x"))),
				refused("ACI hard link climbing out", "escapes the archive root",
						() -> aci(Member.hardlink("rootfs/passwd", "../../etc/passwd"))),
				refused("ACI hard link to a member outside rootfs", "points outside rootfs",
						() -> aci(Member.hardlink("rootfs/m", "manifest"))),
				refused("ACI hard link to a file not in the image", "in this layer",
						() -> aci(Member.hardlink("rootfs/shadow", "rootfs/etc/shadow"))),
				refused("ACI member outside rootfs", "outside rootfs",
						() -> tar(List.of(jsonFile("manifest", valid()), Member.dir("rootfs/"), Member.file("extra", "x")))),
				refused("ACI manifest not JSON", "not valid JSON",
						() -> tar(List.of(Member.file("manifest", "{not json"), Member.dir("rootfs/")))),
				refused("ACI manifest of another kind", "acKind",
						() -> tar(List.of(jsonFile("manifest", Map.of("acKind", "PodManifest", "acVersion", "0.8.11", "name", "x")),
								Member.dir("rootfs/")))),
				refused("ACI for another architecture", "arm64",
						() -> tar(List.of(jsonFile("manifest", Map.of("acKind", "ImageManifest", "acVersion", "0.8.11", "name",
								"example.com/arm", "labels", List.of(Map.of("name", "os", "value", "linux"),
										Map.of("name", "arch", "value", "aarch64")))), Member.dir("rootfs/")))),
				refused("ACI relative exec", "absolute path",
						() -> tar(List.of(jsonFile("manifest", withApp(Map.of("exec", List.of("app"), "user", "0", "group", "0"))),
								Member.dir("rootfs/")))),
				refused("oversized manifest", "more than",
						() -> tar(List.of(Member.file("manifest", " ".repeat(StagedArchive.MAX_DOCUMENT + 1)), Member.dir("rootfs/")))),
				refused("not a tar at all", "not a readable tar",
						() -> "this is not an archive, just text long enough to fill a block ".repeat(20).getBytes(StandardCharsets.UTF_8)),
				refused("truncated gzip", "truncated or corrupt", () -> {
					byte[] gz = ArchiveFixtures.gzip(ArchiveFixtures.aci(valid(), LayerBuilder.create().file("a", "a".repeat(5000))));
					return java.util.Arrays.copyOf(gz, gz.length / 2);
				}),
				refused("OCI blob whose content does not match its digest", "digest mismatch", () -> {
					BuiltImage image = small();
					List<Member> members = ociMembers(image);
					String layer = "blobs/sha256/" + image.layers().getFirst().digest().substring(7);
					members.replaceAll(m -> m.name().equals(layer)
							? Member.file(layer, OciImageBuilder.compress(LayerBuilder.create().file("etc/motd", "evil\n").tar(), Compression.GZIP))
							: m);
					return tar(members);
				}),
				refused("OCI layer with a member climbing out", "escapes the layer root", () -> {
					byte[] layerTar = tar(List.of(Member.file("../../../etc/cron.d/evil", "* * * * * root sh\n")));
					return tar(ociMembers(imageWithRawLayer(layerTar)));
				}),
				refused("OCI layer writing through its own symlink", "symbolic link", () -> {
					byte[] layerTar = tar(List.of(Member.symlink("etc", "/etc"), Member.file("etc/passwd", "x")));
					return tar(ociMembers(imageWithRawLayer(layerTar)));
				}),
				refused("OCI layout whose index names no image", "no image name", () -> {
					BuiltImage image = small();
					List<Member> members = ociMembers(image);
					members.replaceAll(m -> m.name().equals("index.json") ? jsonFile("index.json",
							Map.of("schemaVersion", 2, "manifests", List.of(Map.of("mediaType", image.manifest().mediaType(), "digest",
									image.manifestDigest(), "size", image.manifest().size())))) : m);
					return tar(members);
				}),
				refused("OCI index.json not an index", "not valid JSON", () -> {
					List<Member> members = ociMembers(small());
					members.replaceAll(m -> m.name().equals("index.json") ? Member.file("index.json", "[1, 2") : m);
					return tar(members);
				}),
				refused("docker save config not matching its name", "digest mismatch", () -> {
					BuiltImage image = dockerImage();
					byte[] archive = ArchiveFixtures.dockerSave(Map.of("busybox:evil", image));
					List<Member> members = new ArrayList<>();
					String configName = image.config().digest().substring(7) + ".json";
					members.add(Member.file(configName, (new String(image.config().bytes(), StandardCharsets.UTF_8) + " ").getBytes()));
					return replaceIn(archive, configName, members.getFirst());
				}),
				refused("docker save layer not matching the config's diff id", "digest mismatch", () -> {
					byte[] archive = ArchiveFixtures.dockerSave(Map.of("busybox:evil", dockerImage()));
					return replaceIn(archive, "layer0/layer.tar", Member.file("layer0/layer.tar",
							LayerBuilder.create().file("etc/motd", "evil\n").tar()));
				}),
				refused("docker save config not JSON", "the image config is not valid: Unexpected character", () -> {
					byte[] layer = LayerBuilder.create().file("etc/motd", "hi\n").tar();
					return tar(List.of(Member.file("config.json", "{not json}"), Member.dir("layer0/"),
							Member.file("layer0/layer.tar", layer), jsonFile("manifest.json", List.of(Map.of("Config",
									"config.json", "RepoTags", List.of("busybox:x"), "Layers", List.of("layer0/layer.tar"))))));
				}),
				refused("docker save image without a name", "no RepoTags", () -> {
					BuiltImage image = dockerImage();
					byte[] archive = ArchiveFixtures.dockerSave(Map.of("busybox:x", image));
					return replaceIn(archive, "manifest.json", jsonFile("manifest.json", List.of(Map.of("Config",
							image.config().digest().substring(7) + ".json", "Layers", List.of("layer0/layer.tar")))));
				}),
				refused("docker save symlink out of the archive", "escapes the archive root", () -> {
					byte[] archive = ArchiveFixtures.dockerSave(Map.of("busybox:x", dockerImage()));
					return replaceIn(archive, "layer0/layer.tar", Member.symlink("layer0/layer.tar", "../../../etc/shadow"));
				}),
				refused("nothing recognisable", "not an image archive", () -> tar(List.of(Member.file("README", "hello")))));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("hostile")
	void refusedWithTheReasonAndNothingStored(String name, String reason, Supplier<byte[]> archive) throws IOException {
		byte[] bytes = archive.get();

		assertThatThrownBy(() -> this.archives.importArchive(new ByteArrayInputStream(bytes), "hostile.tar"))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageStartingWith("importing image archive hostile.tar: ")
			.hasMessageContaining(reason);

		assertThat(this.node.stored()).isEmpty();
		try (Stream<Path> left = Files.list(staging())) {
			assertThat(left).isEmpty();
		}
		assertThat(this.node.service().list(null)).isEmpty();
	}

	private static Arguments refused(String name, String reason, Supplier<byte[]> archive) {
		return Arguments.of(name, reason, archive);
	}

	static Map<String, Object> valid() {
		return aciManifest("example.com/hostile", "1", null);
	}

	static Map<String, Object> withApp(Map<String, Object> app) {
		return aciManifest("example.com/hostile", "1", new LinkedHashMap<>(app));
	}

	static byte[] aci(Member... rootfs) {
		List<Member> members = new ArrayList<>();
		members.add(jsonFile("manifest", valid()));
		members.add(Member.dir("rootfs/"));
		members.addAll(List.of(rootfs));
		return tar(members);
	}

	static BuiltImage small() {
		return OciImageBuilder.scratch().layer(LayerBuilder.create().file("etc/motd", "hi\n")).build();
	}

	static BuiltImage dockerImage() {
		return OciImageBuilder.scratch()
			.format(OciImageBuilder.Format.DOCKER_SCHEMA2)
			.compression(Compression.NONE)
			.layer(LayerBuilder.create().file("etc/motd", "hi\n"))
			.build();
	}

	/** An image whose one layer is exactly {@code layerTar}, uncompressed, with a matching config. */
	static BuiltImage imageWithRawLayer(byte[] layerTar) {
		Blob layer = Blob.of("application/vnd.oci.image.layer.v1.tar", layerTar);
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("architecture", "amd64");
		config.put("os", "linux");
		config.put("config", Map.of());
		config.put("rootfs", Map.of("type", "layers", "diff_ids", List.of(layer.digest())));
		Blob configBlob = Blob.of("application/vnd.oci.image.config.v1+json", ArchiveFixtures.json(config));
		Map<String, Object> manifest = new LinkedHashMap<>();
		manifest.put("schemaVersion", 2);
		manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
		manifest.put("config", Map.of("mediaType", configBlob.mediaType(), "digest", configBlob.digest(), "size", configBlob.size()));
		manifest.put("layers", List.of(Map.of("mediaType", layer.mediaType(), "digest", layer.digest(), "size", layer.size())));
		Blob manifestBlob = Blob.of("application/vnd.oci.image.manifest.v1+json", ArchiveFixtures.json(manifest));
		return new BuiltImage(OciImageBuilder.Format.OCI, manifestBlob, configBlob, List.of(layer), List.of(layer.digest()),
				java.util.Optional.empty(), List.of(), List.of());
	}

	/** The members of an OCI layout archive of {@code image} named example.com/hostile:1, to tamper with. */
	static List<Member> ociMembers(BuiltImage image) {
		byte[] archive = ArchiveFixtures.ociLayout(Map.of("example.com/hostile:1", image));
		return new ArrayList<>(read(archive));
	}

	static byte[] replaceIn(byte[] archive, String name, Member replacement) {
		List<Member> members = new ArrayList<>(read(archive));
		members.replaceAll(m -> m.name().equals(name) ? replacement : m);
		return tar(members);
	}

	static List<Member> read(byte[] archive) {
		List<Member> members = new ArrayList<>();
		try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(new ByteArrayInputStream(archive))) {
			org.apache.commons.compress.archivers.tar.TarArchiveEntry e;
			while ((e = in.getNextEntry()) != null) {
				members.add(e.isDirectory() ? Member.dir(e.getName()) : Member.file(e.getName(), in.readAllBytes()));
			}
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		return members;
	}

}
