package io.rocketcri.cri;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.rocketcri.config.Json;
import io.rocketcri.cri.api.AuthConfig;
import io.rocketcri.cri.api.Image;
import io.rocketcri.cri.api.ImageFilter;
import io.rocketcri.cri.api.ImageFsInfoRequest;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.ImageStatusRequest;
import io.rocketcri.cri.api.ImageStatusResponse;
import io.rocketcri.cri.api.ListImagesRequest;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.cri.api.RemoveImageRequest;
import io.rocketcri.engine.LinuxHostOs;
import io.rocketcri.testsupport.Blob;
import io.rocketcri.testsupport.BuiltImage;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.Layers;
import io.rocketcri.testsupport.OciImageBuilder;
import io.rocketcri.testsupport.OciImageBuilder.Compression;
import io.rocketcri.testsupport.OciImageBuilder.Format;
import io.rocketcri.testsupport.PushedImage;
import io.rocketcri.testsupport.RuntimeUnderTest;
import io.rocketcri.testsupport.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The image service as kubelet and crictl use it: real pulls over the CRI socket from a real
 * docker-registry on loopback, unpacked into real overlay layer directories.
 */
@Tag("host")
@SpringBootTest
class CriImageServiceHostTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("images");

	static final TestRegistry registry = TestRegistry.shared();

	static CriSocketClient client;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry props) throws IOException {
		runtime.register(props);
		// registry.k8s.io mirrored to the local registry: images keep their upstream names.
		Files.createDirectories(runtime.registriesConf().getParent());
		Files.writeString(runtime.registriesConf(), """
				[[registry]]
				prefix = "registry.k8s.io"
				location = "registry.k8s.io"
				[[registry.mirror]]
				location = "%1$s/mirrored"
				insecure = true

				[[registry]]
				location = "%1$s"
				insecure = true
				""".formatted(registry.address()));
	}

	@BeforeAll
	static void connect() {
		client = new CriSocketClient(runtime.socket());
	}

	@AfterAll
	static void disconnect() throws InterruptedException {
		client.close();
	}

	static PushedImage push(OciImageBuilder image) {
		return registry.pusher().push(image.build(), TestRegistry.uniqueRepository("img"), "v1");
	}

	static String pull(String reference) {
		return client.images()
			.pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(reference)).build())
			.getImageRef();
	}

	static ImageStatusResponse status(String reference, boolean verbose) {
		return client.images()
			.imageStatus(ImageStatusRequest.newBuilder()
				.setImage(ImageSpec.newBuilder().setImage(reference))
				.setVerbose(verbose)
				.build());
	}

	static Path snapshot(String chainId) {
		return runtime.root().resolve("snapshots").resolve(chainId.substring("sha256:".length())).resolve("fs");
	}

	@Test
	void pullsMultiLayerImageAndUnpacksEveryFeatureOfTheLayers() throws Exception {
		PushedImage pushed = push(OciImageBuilder.busybox()
			.user("1000")
			.layer(Layers.file("/etc/motd", "hello"), Compression.ZSTD)
			.layer(Layers.whiteout("/etc/motd"), Compression.NONE)
			.layer(Layers.hardlink("/data/a", "/data/b", "linked"))
			.layer(Layers.setuidFile("/bin/su-test"))
			.layer(Layers.ownedFile("/home/owned", "mine", 1234, 4321))
			.layer(Layers.opaqueDir("/etc/app", "only", "new")));

		String imageRef = pull(pushed.reference());

		assertThat(imageRef).isEqualTo(pushed.imageId());
		Image image = status(pushed.reference(), false).getImage();
		assertThat(image.getId()).isEqualTo(pushed.imageId());
		assertThat(image.getRepoTagsList()).containsExactly(pushed.reference());
		assertThat(image.getRepoDigestsList()).containsExactly(pushed.name() + "@" + pushed.topDigest());
		assertThat(image.getUid().getValue()).isEqualTo(1000);
		assertThat(image.getSize()).isGreaterThan(500_000);

		JsonNode info = Json.MAPPER.readTree(status(imageRef, true).getInfoOrThrow("info"));
		List<String> chainIds = new ArrayList<>();
		info.get("chainIds").forEach(n -> chainIds.add(n.asString()));
		assertThat(chainIds).hasSize(7);
		assertThat(info.at("/imageSpec/config/User").asString()).isEqualTo("1000");
		assertThat(info.at("/manifest/layers").size()).isEqualTo(7);

		assertThat(snapshot(chainIds.get(0)).resolve("bin/busybox")).isRegularFile();
		Path whiteout = snapshot(chainIds.get(2)).resolve("etc/motd");
		assertThat((Integer) Files.getAttribute(whiteout, "unix:mode") & 0170000).isEqualTo(0020000);
		assertThat((Long) Files.getAttribute(whiteout, "unix:rdev")).isZero();
		Path hard = snapshot(chainIds.get(3));
		assertThat(Files.getAttribute(hard.resolve("data/a"), "unix:ino"))
			.isEqualTo(Files.getAttribute(hard.resolve("data/b"), "unix:ino"));
		assertThat((Integer) Files.getAttribute(snapshot(chainIds.get(4)).resolve("bin/su-test"), "unix:mode") & 04000)
			.isEqualTo(04000);
		assertThat(Files.getAttribute(snapshot(chainIds.get(5)).resolve("home/owned"), "unix:uid")).isEqualTo(1234);
		assertThat(Files.getAttribute(snapshot(chainIds.get(5)).resolve("home/owned"), "unix:gid")).isEqualTo(4321);
		byte[] opaque = new LinuxHostOs().lgetxattr(snapshot(chainIds.get(6)).resolve("etc/app"), "trusted.overlay.opaque");
		assertThat(opaque).isEqualTo("y".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void pullsDockerSchema2AndMultiPlatformIndexForThisPlatform() {
		PushedImage docker = push(OciImageBuilder.busybox().format(Format.DOCKER_SCHEMA2).layer(Layers.file("/x", "docker")));
		assertThat(pull(docker.reference())).isEqualTo(docker.imageId());

		PushedImage multi = push(OciImageBuilder.busybox().layer(Layers.file("/x", "multi")).multiPlatform());
		assertThat(multi.indexDigest()).isPresent();
		assertThat(pull(multi.reference())).isEqualTo(multi.imageId());
		assertThat(status(multi.reference(), false).getImage().getRepoDigestsList())
			.containsExactly(multi.name() + "@" + multi.indexDigest().get());
	}

	@Test
	void pullByDigestAndFindByEveryName() {
		PushedImage pushed = push(OciImageBuilder.busybox().layer(Layers.file("/y", "digest")));
		String id = pull(pushed.digestReference());
		assertThat(id).isEqualTo(pushed.imageId());
		assertThat(status(pushed.digestReference(), false).getImage().getId()).isEqualTo(id);
		assertThat(status(id, false).getImage().getId()).isEqualTo(id);
		assertThat(status(id.substring(7, 19), false).getImage().getId()).isEqualTo(id);
		// pulled by digest only: no tag until someone pulls the tag
		assertThat(status(pushed.reference(), false).hasImage()).isFalse();
		pull(pushed.reference());
		assertThat(status(pushed.reference(), false).getImage().getId()).isEqualTo(id);
	}

	@Test
	void concurrentPullsOfOneImageShareOneDownload() throws Exception {
		PushedImage pushed = push(OciImageBuilder.busybox().layer(Layers.file("/z", "concurrent"), Compression.GZIP));
		List<Future<String>> pulls = new ArrayList<>();
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < 6; i++) {
				pulls.add(pool.submit(() -> pull(pushed.reference())));
			}
			for (Future<String> f : pulls) {
				assertThat(f.get()).isEqualTo(pushed.imageId());
			}
		}
		assertThat(client.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList())
			.filteredOn(i -> i.getId().equals(pushed.imageId()))
			.hasSize(1);
		try (Stream<Path> ingest = Files.list(runtime.root().resolve("content/ingest"))) {
			assertThat(ingest).isEmpty();
		}
	}

	@Test
	void mirroredRegistryKeepsTheUpstreamName() {
		BuiltImage built = OciImageBuilder.busybox().layer(Layers.file("/m", "mirror")).build();
		String repo = TestRegistry.uniqueRepository("e2e");
		PushedImage pushed = registry.pusher().push(built, "mirrored/" + repo, "1.0");
		String upstream = "registry.k8s.io/" + repo + ":1.0";
		assertThat(pull(upstream)).isEqualTo(pushed.imageId());
		assertThat(status(upstream, false).getImage().getRepoTagsList()).containsExactly(upstream);
	}

	@Test
	void listImagesFiltersByName() {
		PushedImage a = push(OciImageBuilder.busybox().layer(Layers.file("/f", "a")));
		pull(a.reference());
		List<Image> filtered = client.images()
			.listImages(ListImagesRequest.newBuilder()
				.setFilter(ImageFilter.newBuilder().setImage(ImageSpec.newBuilder().setImage(a.reference())))
				.build())
			.getImagesList();
		assertThat(filtered).extracting(Image::getId).containsExactly(a.imageId());
	}

	@Test
	void removeKeepsLayersAnotherImageStillUses() throws Exception {
		PushedImage first = push(OciImageBuilder.busybox().layer(Layers.file("/only-first", "1")));
		PushedImage second = push(OciImageBuilder.busybox().layer(Layers.file("/only-second", "2")));
		pull(first.reference());
		pull(second.reference());
		List<String> firstChains = chainIds(first.imageId());
		List<String> secondChains = chainIds(second.imageId());
		assertThat(firstChains.get(0)).isEqualTo(secondChains.get(0));

		client.images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(first.reference())).build());

		assertThat(status(first.imageId(), false).hasImage()).isFalse();
		assertThat(snapshot(firstChains.get(0))).isDirectory();
		assertThat(snapshot(firstChains.get(1))).doesNotExist();
		assertThat(runtime.root().resolve("content/blobs/sha256/" + first.imageId().substring(7))).doesNotExist();
		assertThat(snapshot(secondChains.get(1))).isDirectory();
		// removing it again is fine: kubelet retries
		client.images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(first.reference())).build());
	}

	@Test
	void imageFsInfoCountsWhatPullsAdd() {
		long before = client.images().imageFsInfo(ImageFsInfoRequest.getDefaultInstance()).getImageFilesystems(0).getUsedBytes().getValue();
		pull(push(OciImageBuilder.busybox().layer(Layers.file("/big", "x".repeat(200_000)))).reference());
		var fs = client.images().imageFsInfo(ImageFsInfoRequest.getDefaultInstance()).getImageFilesystems(0);
		assertThat(fs.getUsedBytes().getValue()).isGreaterThan(before + 150_000);
		assertThat(fs.getInodesUsed().getValue()).isPositive();
		assertThat(fs.getFsId().getMountpoint()).startsWith(runtime.root().toString());
	}

	@Test
	void badInputGetsClearErrors() {
		assertCode(() -> pull(""), Status.Code.INVALID_ARGUMENT, "image");
		assertCode(() -> pull("docker.io/Library/Busybox:1"), Status.Code.INVALID_ARGUMENT, "docker.io/Library/Busybox:1");
		assertCode(() -> pull("busybox:bad tag"), Status.Code.INVALID_ARGUMENT, "image.image");
		assertCode(() -> pull(registry.address() + "/no/such/image:v1"), Status.Code.NOT_FOUND, "no/such/image");
		assertCode(() -> pull("127.0.0.1:1/unreachable:v1"), Status.Code.UNAVAILABLE, "127.0.0.1:1");
		assertThat(status(registry.address() + "/never/pulled:v1", false).hasImage()).isFalse();
	}

	@Test
	void layerThatDoesNotMatchItsDiffIdFailsAndLeavesNothing() throws Exception {
		BuiltImage built = OciImageBuilder.busybox().layer(Layers.file("/evil", "x")).build();
		ObjectNode config = (ObjectNode) Json.MAPPER.readTree(built.config().bytes());
		ArrayNode diffIds = (ArrayNode) config.at("/rootfs/diff_ids");
		diffIds.set(1, Json.MAPPER.getNodeFactory().textNode("sha256:" + "0".repeat(64)));
		Blob badConfig = Blob.of(built.config().mediaType(), Json.MAPPER.writeValueAsBytes(config));
		ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(built.manifest().bytes());
		((ObjectNode) manifest.get("config")).put("digest", badConfig.digest()).put("size", badConfig.size());
		Blob badManifest = Blob.of(built.manifest().mediaType(), Json.MAPPER.writeValueAsBytes(manifest));
		String repo = TestRegistry.uniqueRepository("bad");
		var pusher = registry.pusher();
		for (Blob layer : built.layers()) {
			pusher.pushBlob(repo, layer);
		}
		pusher.pushBlob(repo, badConfig);
		pusher.putManifest(repo, "v1", badManifest);

		long layersBefore = countSnapshots();
		assertCode(() -> pull(registry.address() + "/" + repo + ":v1"), Status.Code.UNAVAILABLE, "the image config says");
		assertThat(status(registry.address() + "/" + repo + ":v1", false).hasImage()).isFalse();
		assertThat(countSnapshots()).isLessThanOrEqualTo(layersBefore + 1); // the good base layer may stay
		try (Stream<Path> dirs = Files.list(runtime.root().resolve("snapshots"))) {
			assertThat(dirs.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("ingest"));
		}
		try (Stream<Path> ingest = Files.list(runtime.root().resolve("content/ingest"))) {
			assertThat(ingest).isEmpty();
		}
	}

	@Test
	void basicAuthRegistryNeedsTheCredentialsKubeletSends() {
		try (TestRegistry secured = TestRegistry.startWithBasicAuth("kube", "s3cret")) {
			PushedImage pushed = secured.pusher().push(OciImageBuilder.busybox().layer(Layers.file("/auth", "1")).build(),
					"private/app", "v1");
			String ref = secured.address() + "/private/app:v1";
			// plain HTTP for this registry too: write it into the watched registries.conf
			appendInsecure(secured.address());
			assertCode(() -> pull(ref), Status.Code.UNAUTHENTICATED, secured.address());
			String id = client.images()
				.pullImage(PullImageRequest.newBuilder()
					.setImage(ImageSpec.newBuilder().setImage(ref))
					.setAuth(AuthConfig.newBuilder().setUsername("kube").setPassword("s3cret"))
					.build())
				.getImageRef();
			assertThat(id).isEqualTo(pushed.imageId());
			String encoded = java.util.Base64.getEncoder().encodeToString("kube:s3cret".getBytes(StandardCharsets.UTF_8));
			client.images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref)).build());
			assertThat(client.images()
				.pullImage(PullImageRequest.newBuilder()
					.setImage(ImageSpec.newBuilder().setImage(ref))
					.setAuth(AuthConfig.newBuilder().setAuth(encoded))
					.build())
				.getImageRef()).isEqualTo(pushed.imageId());
		}
	}

	private static void appendInsecure(String address) {
		try {
			Files.writeString(runtime.registriesConf(), Files.readString(runtime.registriesConf()) + """

					[[registry]]
					location = "%s"
					insecure = true
					""".formatted(address));
			// the file is re-read when its modification time changes
			Files.setLastModifiedTime(runtime.registriesConf(),
					java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static long countSnapshots() throws IOException {
		try (Stream<Path> dirs = Files.list(runtime.root().resolve("snapshots"))) {
			return dirs.count();
		}
	}

	private static List<String> chainIds(String imageId) throws IOException {
		JsonNode info = Json.MAPPER.readTree(status(imageId, true).getInfoOrThrow("info"));
		List<String> out = new ArrayList<>();
		info.get("chainIds").forEach(n -> out.add(n.asString()));
		return out;
	}

	private static void assertCode(Runnable call, Status.Code code, String mentioned) {
		assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, ex -> {
			assertThat(ex.getStatus().getCode()).isEqualTo(code);
			assertThat(ex.getStatus().getDescription()).contains(mentioned);
		});
	}


}
