package io.rocketcri.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import com.github.luben.zstd.Zstd;
import io.rocketcri.config.Json;
import io.rocketcri.testsupport.OciImageBuilder.Compression;
import io.rocketcri.testsupport.OciImageBuilder.Format;
import io.rocketcri.testsupport.RegistryPusher.RegistryPushException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The test fixtures against a real registry: images built in Java, pushed, then read back over
 * plain HTTP and checked byte for byte (digests of manifests, configs, layers and uncompressed
 * layers).
 */
@Tag("host")
class RegistryFixturesTest {

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final TestRegistry registry = TestRegistry.shared();

	@Test
	void ociImageWithGzipLayersIsServedWithItsDigests() throws Exception {
		BuiltImage image = OciImageBuilder.busybox()
			.layer(Layers.file("/etc/motd", "hello from rocket-cri\n"))
			.layer(Layers.ownedFile("/data/owned", "x", 1234, 1234))
			.user("1000:1000")
			.env("GREETING=hi")
			.entrypoint("/bin/sh", "-c")
			.cmd("echo $GREETING")
			.workingDir("/tmp")
			.stopSignal("SIGQUIT")
			.label("org.example.test", "yes")
			.build();
		String repo = TestRegistry.uniqueRepository("fixtures/oci-gzip");
		PushedImage pushed = registry.pusher().push(image, repo, "v1");

		assertThat(pushed.reference()).isEqualTo(registry.address() + "/" + repo + ":v1");
		assertThat(pushed.indexDigest()).isEmpty();
		assertThat(pushed.digestReference()).isEqualTo(registry.address() + "/" + repo + "@" + pushed.manifestDigest());
		assertThat(pushed.layerDigests()).hasSize(3);

		HttpResponse<byte[]> byTag = get("/v2/" + repo + "/manifests/v1", Optional.empty());
		assertThat(byTag.statusCode()).isEqualTo(200);
		assertThat(byTag.headers().firstValue("Content-Type")).hasValue(MediaTypes.OCI_MANIFEST);
		assertThat(byTag.headers().firstValue("Docker-Content-Digest")).hasValue(pushed.manifestDigest());
		assertThat(Blob.sha256(byTag.body())).isEqualTo(pushed.manifestDigest());

		JsonNode manifest = Json.MAPPER.readTree(byTag.body());
		assertThat(manifest.path("schemaVersion").asInt()).isEqualTo(2);
		assertThat(manifest.path("config").path("mediaType").asString()).isEqualTo(MediaTypes.OCI_CONFIG);
		assertThat(manifest.path("config").path("digest").asString()).isEqualTo(pushed.configDigest());
		List<String> layerDigests = new ArrayList<>();
		manifest.path("layers").forEach(l -> {
			assertThat(l.path("mediaType").asString()).isEqualTo(MediaTypes.OCI_LAYER_GZIP);
			layerDigests.add(l.path("digest").asString());
		});
		assertThat(layerDigests).isEqualTo(pushed.layerDigests());

		HttpResponse<byte[]> byDigest = get("/v2/" + repo + "/manifests/" + pushed.manifestDigest(), Optional.empty());
		assertThat(byDigest.statusCode()).isEqualTo(200);
		assertThat(byDigest.body()).isEqualTo(byTag.body());

		byte[] configBytes = blob(repo, pushed.configDigest(), Optional.empty());
		JsonNode config = Json.MAPPER.readTree(configBytes);
		assertThat(config.path("architecture").asString()).isEqualTo("amd64");
		assertThat(config.path("os").asString()).isEqualTo("linux");
		JsonNode run = config.path("config");
		assertThat(run.path("User").asString()).isEqualTo("1000:1000");
		assertThat(texts(run.path("Env"))).containsExactly(OciImageBuilder.DEFAULT_PATH, "GREETING=hi");
		assertThat(texts(run.path("Entrypoint"))).containsExactly("/bin/sh", "-c");
		assertThat(texts(run.path("Cmd"))).containsExactly("echo $GREETING");
		assertThat(run.path("WorkingDir").asString()).isEqualTo("/tmp");
		assertThat(run.path("StopSignal").asString()).isEqualTo("SIGQUIT");
		assertThat(run.path("Labels").path("org.example.test").asString()).isEqualTo("yes");
		assertThat(config.path("rootfs").path("type").asString()).isEqualTo("layers");
		assertThat(texts(config.path("rootfs").path("diff_ids"))).isEqualTo(pushed.diffIds());
		assertThat(config.path("history")).hasSize(3);

		for (int i = 0; i < pushed.layerDigests().size(); i++) {
			byte[] layer = blob(repo, pushed.layerDigests().get(i), Optional.empty());
			byte[] tar = new GZIPInputStream(new ByteArrayInputStream(layer)).readAllBytes();
			assertThat(Blob.sha256(tar)).as("diff_id of layer %d", i).isEqualTo(pushed.diffIds().get(i));
		}

		Map<String, TarArchiveEntry> owned = entries(
				new GZIPInputStream(new ByteArrayInputStream(blob(repo, pushed.layerDigests().get(2), Optional.empty()))));
		assertThat(owned.get("data/owned").getLongUserId()).isEqualTo(1234);
		assertThat(owned.get("data/owned").getLongGroupId()).isEqualTo(1234);
	}

	@Test
	void busyboxRootHasBusyboxAppletsAndUsers() throws Exception {
		byte[] tar = Layers.busyboxRoot().tar();
		Map<String, TarArchiveEntry> entries = entries(new ByteArrayInputStream(tar));

		TarArchiveEntry busybox = entries.get("bin/busybox");
		assertThat(busybox).isNotNull();
		assertThat(busybox.getSize()).isEqualTo(Files.size(Layers.BUSYBOX));
		assertThat(busybox.getMode() & 07777).isEqualTo(0755);
		for (String applet : List.of("sh", "ls", "cat", "echo", "sleep")) {
			TarArchiveEntry link = entries.get("bin/" + applet);
			assertThat(link).as(applet).isNotNull();
			assertThat(link.isSymbolicLink()).isTrue();
			assertThat(link.getLinkName()).isEqualTo("busybox");
		}
		assertThat(entries.get("tmp/").getMode() & 07777).isEqualTo(01777);
		assertThat(entries.get("home/app/").getLongUserId()).isEqualTo(1000);
		assertThat(entries).containsKeys("etc/passwd", "etc/group", "root/", "proc/", "dev/");

		String passwd = text(tar, "etc/passwd");
		assertThat(passwd).contains("root:x:0:0:").contains("app:x:1000:1000:app:/home/app:/bin/sh");
		String group = text(tar, "etc/group");
		assertThat(group).contains("users:x:100:app").contains("app:x:1000:");
	}

	@Test
	void layerHelpersWriteWhiteoutsLinksAndModes() throws Exception {
		assertThat(entries(new ByteArrayInputStream(Layers.whiteout("/etc/motd").tar()))).containsKeys("etc/",
				"etc/.wh.motd");

		Map<String, TarArchiveEntry> opaque = entries(
				new ByteArrayInputStream(Layers.opaqueDir("/var/data", "new", "fresh").tar()));
		assertThat(new ArrayList<>(opaque.keySet())).containsExactly("var/", "var/data/", "var/data/.wh..wh..opq",
				"var/data/new");

		Map<String, TarArchiveEntry> hard = entries(
				new ByteArrayInputStream(Layers.hardlink("/opt/a", "/opt/b", "same").tar()));
		assertThat(hard.get("opt/b").isLink()).isTrue();
		assertThat(hard.get("opt/b").getLinkName()).isEqualTo("opt/a");

		TarArchiveEntry suid = entries(new ByteArrayInputStream(Layers.setuidFile("/usr/bin/suid").tar()))
			.get("usr/bin/suid");
		assertThat(suid.getMode() & 07777).isEqualTo(04755);
		assertThat(suid.getLongUserId()).isZero();

		assertThatThrownBy(() -> LayerBuilder.create().hardlink("a", "missing"))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> LayerBuilder.create().file("../escape", "x"))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void zstdAndUncompressedLayersMatchTheirDiffIds() throws Exception {
		BuiltImage image = OciImageBuilder.busybox()
			.compression(Compression.ZSTD)
			.layer(Layers.file("/plain", "not compressed"), Compression.NONE)
			.build();
		String repo = TestRegistry.uniqueRepository("fixtures/oci-zstd");
		PushedImage pushed = registry.pusher().push(image, repo, "latest");

		JsonNode manifest = Json.MAPPER.readTree(get("/v2/" + repo + "/manifests/latest", Optional.empty()).body());
		assertThat(manifest.path("layers").get(0).path("mediaType").asString()).isEqualTo(MediaTypes.OCI_LAYER_ZSTD);
		assertThat(manifest.path("layers").get(1).path("mediaType").asString()).isEqualTo(MediaTypes.OCI_LAYER);

		byte[] zstd = blob(repo, pushed.layerDigests().get(0), Optional.empty());
		byte[] tar = Zstd.decompress(zstd, (int) Zstd.getFrameContentSize(zstd));
		assertThat(Blob.sha256(tar)).isEqualTo(pushed.diffIds().get(0));
		assertThat(pushed.layerDigests().get(1)).isEqualTo(pushed.diffIds().get(1));
	}

	@Test
	void ociIndexListsPlatformsAndAttestation() throws Exception {
		BuiltImage image = OciImageBuilder.busybox().multiPlatform().build();
		String repo = TestRegistry.uniqueRepository("fixtures/oci-index");
		PushedImage pushed = registry.pusher().push(image, repo, "multi");

		assertThat(pushed.indexDigest()).isPresent();
		assertThat(pushed.digestReference()).endsWith("@" + pushed.indexDigest().orElseThrow());

		HttpResponse<byte[]> r = get("/v2/" + repo + "/manifests/multi", Optional.empty());
		assertThat(r.statusCode()).isEqualTo(200);
		assertThat(r.headers().firstValue("Content-Type")).hasValue(MediaTypes.OCI_INDEX);
		assertThat(r.headers().firstValue("Docker-Content-Digest")).hasValue(pushed.indexDigest().orElseThrow());
		assertThat(Blob.sha256(r.body())).isEqualTo(pushed.indexDigest().orElseThrow());

		JsonNode entries = Json.MAPPER.readTree(r.body()).path("manifests");
		assertThat(entries).hasSize(3);
		assertThat(platform(entries.get(0))).isEqualTo("linux/amd64");
		assertThat(entries.get(0).path("digest").asString()).isEqualTo(pushed.manifestDigest());
		assertThat(platform(entries.get(1))).isEqualTo("linux/arm64/v8");
		assertThat(platform(entries.get(2))).isEqualTo("unknown/unknown");
		assertThat(entries.get(2).path("annotations").path(OciImageBuilder.ANNOTATION_REFERENCE_DIGEST).asString())
			.isEqualTo(pushed.manifestDigest());
		assertThat(entries.get(2).path("annotations").path(OciImageBuilder.ANNOTATION_REFERENCE_TYPE).asString())
			.isEqualTo("attestation-manifest");

		for (JsonNode entry : entries) {
			String digest = entry.path("digest").asString();
			HttpResponse<byte[]> child = get("/v2/" + repo + "/manifests/" + digest, Optional.empty());
			assertThat(child.statusCode()).as(digest).isEqualTo(200);
			assertThat(Blob.sha256(child.body())).isEqualTo(digest);
			assertThat(child.body().length).isEqualTo(entry.path("size").asInt());
			String configDigest = Json.MAPPER.readTree(child.body()).path("config").path("digest").asString();
			JsonNode childConfig = Json.MAPPER.readTree(blob(repo, configDigest, Optional.empty()));
			assertThat(childConfig.path("architecture").asString()).isEqualTo(entry.path("platform").path("architecture").asString());
		}
	}

	@Test
	void dockerSchema2ManifestListWithImageLast() throws Exception {
		BuiltImage image = OciImageBuilder.busybox()
			.format(Format.DOCKER_SCHEMA2)
			.platform(OciImageBuilder.Platform.LINUX_ARM64_V8)
			.imageLastInIndex()
			.build();
		String repo = TestRegistry.uniqueRepository("fixtures/docker-list");
		PushedImage pushed = registry.pusher().push(image, repo, "1.0", "1");

		for (String tag : List.of("1.0", "1")) {
			HttpResponse<byte[]> r = get("/v2/" + repo + "/manifests/" + tag, Optional.empty());
			assertThat(r.headers().firstValue("Content-Type")).hasValue(MediaTypes.DOCKER_MANIFEST_LIST);
			assertThat(Blob.sha256(r.body())).isEqualTo(pushed.indexDigest().orElseThrow());
			JsonNode entries = Json.MAPPER.readTree(r.body()).path("manifests");
			assertThat(entries).hasSize(2);
			assertThat(platform(entries.get(0))).isEqualTo("linux/arm64/v8");
			assertThat(platform(entries.get(1))).isEqualTo("linux/amd64");
			assertThat(entries.get(1).path("mediaType").asString()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
		}

		HttpResponse<byte[]> m = get("/v2/" + repo + "/manifests/" + pushed.manifestDigest(), Optional.empty());
		assertThat(m.headers().firstValue("Content-Type")).hasValue(MediaTypes.DOCKER_MANIFEST);
		JsonNode manifest = Json.MAPPER.readTree(m.body());
		assertThat(manifest.path("config").path("mediaType").asString()).isEqualTo(MediaTypes.DOCKER_CONFIG);
		assertThat(manifest.path("layers").get(0).path("mediaType").asString()).isEqualTo(MediaTypes.DOCKER_LAYER_GZIP);
	}

	@Test
	void buildsAreDeterministicAndRepushUploadsNothing() {
		BuiltImage a = OciImageBuilder.busybox().layer(Layers.file("/x", "1")).build();
		BuiltImage b = OciImageBuilder.busybox().layer(Layers.file("/x", "1")).build();
		assertThat(b.manifestDigest()).isEqualTo(a.manifestDigest());
		assertThat(b.imageId()).isEqualTo(a.imageId());
		BuiltImage c = OciImageBuilder.busybox().layer(Layers.file("/x", "2")).build();
		assertThat(c.imageId()).isNotEqualTo(a.imageId());

		String repo = TestRegistry.uniqueRepository("fixtures/repush");
		RegistryPusher first = registry.pusher();
		first.push(a, repo, "one");
		assertThat(first.blobsUploaded()).isEqualTo(a.blobs().size());
		RegistryPusher second = registry.pusher();
		PushedImage again = second.push(b, repo, "two");
		assertThat(second.blobsUploaded()).isZero();
		assertThat(get("/v2/" + repo + "/manifests/two", Optional.empty()).headers().firstValue("Docker-Content-Digest"))
			.hasValue(again.manifestDigest());
	}

	@Test
	void basicAuthRegistryWantsCredentials() throws Exception {
		try (TestRegistry secured = TestRegistry.startWithBasicAuth("rocket", "s3cret-pw")) {
			assertThat(secured.isOwned()).isTrue();
			assertThat(secured.credentials()).isPresent();

			HttpResponse<byte[]> anonymous = send(secured, "/v2/", Optional.empty());
			assertThat(anonymous.statusCode()).isEqualTo(401);
			assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
					h -> assertThat(h).startsWith("Basic realm="));
			assertThat(send(secured, "/v2/", Optional.of(new RegistryCredentials("rocket", "wrong"))).statusCode())
				.isEqualTo(401);

			BuiltImage image = OciImageBuilder.busybox().build();
			RegistryPusher noAuth = secured.pusher().withCredentials(Optional.empty());
			assertThatThrownBy(() -> noAuth.push(image, "private/busybox", "1"))
				.isInstanceOfSatisfying(RegistryPushException.class, e -> assertThat(e.status()).isEqualTo(401));

			PushedImage pushed = secured.pusher().push(image, "private/busybox", "1");
			HttpResponse<byte[]> r = send(secured, "/v2/private/busybox/manifests/1", secured.credentials());
			assertThat(r.statusCode()).isEqualTo(200);
			assertThat(Blob.sha256(r.body())).isEqualTo(pushed.manifestDigest());
			assertThat(send(secured, "/v2/private/busybox/manifests/1", Optional.empty()).statusCode())
				.isEqualTo(401);
		}
	}

	private HttpResponse<byte[]> get(String path, Optional<RegistryCredentials> credentials) {
		return send(registry, path, credentials);
	}

	private HttpResponse<byte[]> send(TestRegistry reg, String path, Optional<RegistryCredentials> credentials) {
		HttpRequest.Builder b = HttpRequest.newBuilder(reg.baseUri().resolve(path))
			.header("Accept", MediaTypes.ACCEPT_ALL_MANIFESTS);
		credentials.ifPresent(c -> b.header("Authorization", c.basicAuthorization()));
		try {
			return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (IOException | InterruptedException e) {
			throw new AssertionError("GET " + path, e);
		}
	}

	private byte[] blob(String repo, String digest, Optional<RegistryCredentials> credentials) {
		HttpResponse<byte[]> r = get("/v2/" + repo + "/blobs/" + digest, credentials);
		assertThat(r.statusCode()).as("GET blob %s", digest).isEqualTo(200);
		assertThat(Blob.sha256(r.body())).as("digest of blob served as %s", digest).isEqualTo(digest);
		return r.body();
	}

	private static Map<String, TarArchiveEntry> entries(InputStream tar) throws IOException {
		Map<String, TarArchiveEntry> out = new LinkedHashMap<>();
		try (TarArchiveInputStream in = new TarArchiveInputStream(tar)) {
			TarArchiveEntry e;
			while ((e = in.getNextEntry()) != null) {
				out.put(e.getName(), e);
			}
		}
		return out;
	}

	private static String text(byte[] tar, String name) throws IOException {
		try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
			TarArchiveEntry e;
			while ((e = in.getNextEntry()) != null) {
				if (e.getName().equals(name)) {
					return new String(in.readAllBytes(), StandardCharsets.UTF_8);
				}
			}
		}
		throw new AssertionError(name + " not in tar");
	}

	private static List<String> texts(JsonNode array) {
		List<String> out = new ArrayList<>();
		array.forEach(n -> out.add(n.asString()));
		return out;
	}

	private static String platform(JsonNode entry) {
		JsonNode p = entry.path("platform");
		return p.path("os").asString() + "/" + p.path("architecture").asString()
				+ (p.has("variant") ? "/" + p.path("variant").asString() : "");
	}

}
