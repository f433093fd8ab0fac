package io.rocketcri.benchmark;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.cri.api.RemoveImageRequest;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.LayerBuilder;
import io.rocketcri.testsupport.Layers;
import io.rocketcri.testsupport.OciImageBuilder;
import io.rocketcri.testsupport.PushedImage;
import io.rocketcri.testsupport.RuntimeUnderTest;
import io.rocketcri.testsupport.TestRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PullImage over the CRI socket (download, verify, store, unpack) next to the same blobs fetched
 * raw from the same registry with the same parallelism, in one run on one machine. Prints the
 * medians and their ratio; no time limit is asserted (machines here are shared and noisy).
 *
 * <p>Run: {@code ./mvnw verify -Dgroups=benchmark -DexcludedGroups= -Dtest=PullBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
@SpringBootTest
class PullBenchmark {

	static final int ROUNDS = 7;

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("pull-benchmark");

	static final TestRegistry registry = TestRegistry.shared();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry props) throws Exception {
		runtime.register(props);
		java.nio.file.Files.createDirectories(runtime.registriesConf().getParent());
		java.nio.file.Files.writeString(runtime.registriesConf(), """
				[[registry]]
				location = "%s"
				insecure = true
				""".formatted(registry.address()));
	}

	@Test
	void pullVersusRawFetch() throws Exception {
		OciImageBuilder builder = OciImageBuilder.busybox();
		Random random = new Random(42);
		for (int layer = 0; layer < 4; layer++) {
			LayerBuilder files = LayerBuilder.create();
			for (int f = 0; f < 200; f++) {
				byte[] content = new byte[40_000];
				// half random, half repetitive: compresses like real binaries and text do
				random.nextBytes(content);
				java.util.Arrays.fill(content, 20_000, 40_000, (byte) ('a' + f % 26));
				files.file("/data/l" + layer + "/f" + f, content, 0644);
			}
			builder.layer(files);
		}
		PushedImage image = registry.pusher().push(builder.build(), TestRegistry.uniqueRepository("bench"), "v1");
		String ref = image.reference();
		long bytes = 0;

		List<Long> raw = new ArrayList<>();
		List<Long> pull = new ArrayList<>();
		HttpClient http = HttpClient.newHttpClient();
		try (CriSocketClient client = new CriSocketClient(runtime.socket())) {
			for (int round = 0; round < ROUNDS; round++) {
				long start = System.nanoTime();
				bytes = fetchRaw(http, image);
				raw.add(System.nanoTime() - start);

				start = System.nanoTime();
				String id = client.images()
					.pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref)).build())
					.getImageRef();
				pull.add(System.nanoTime() - start);
				assertThat(id).isEqualTo(image.imageId());
				client.images()
					.removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref)).build());
			}
			client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref)).build());
			List<Long> repulls = new ArrayList<>();
			for (int round = 0; round < ROUNDS; round++) {
				long start = System.nanoTime();
				client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref)).build());
				repulls.add(System.nanoTime() - start);
			}
			System.out.printf("%nPULL BENCHMARK  image %s: %d layers, %.1f MiB compressed, %d rounds%n", ref,
					image.layerDigests().size(), bytes / 1048576.0, ROUNDS);
			System.out.printf("  raw blob fetch (3 parallel)   p50 %7.1f ms%n", median(raw) / 1e6);
			System.out.printf("  CRI PullImage + unpack        p50 %7.1f ms%n", median(pull) / 1e6);
			System.out.printf("  ratio pull / raw              %7.2f x%n", (double) median(pull) / median(raw));
			System.out.printf("  pull of an image already here p50 %7.1f ms (one manifest request)%n%n",
					median(repulls) / 1e6);
		}
	}

	private static long fetchRaw(HttpClient http, PushedImage image) throws Exception {
		List<String> digests = new ArrayList<>(image.layerDigests());
		digests.add(image.configDigest());
		long total = 0;
		try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
			List<Future<Long>> parts = new ArrayList<>();
			for (String digest : digests) {
				parts.add(pool.submit(() -> http
					.send(HttpRequest.newBuilder(URI.create("http://" + registry.address() + "/v2/" + image.repository()
							+ "/blobs/" + digest)).build(), HttpResponse.BodyHandlers.ofInputStream())
					.body()
					.transferTo(java.io.OutputStream.nullOutputStream())));
			}
			for (Future<Long> part : parts) {
				total += part.get();
			}
		}
		return total;
	}

	private static long median(List<Long> values) {
		List<Long> sorted = values.stream().sorted().toList();
		return sorted.get(sorted.size() / 2);
	}

}
