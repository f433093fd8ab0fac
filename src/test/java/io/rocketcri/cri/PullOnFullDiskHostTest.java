package io.rocketcri.cri;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.rocketcri.RocketCriApplication;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.ListImagesRequest;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.engine.HostOs;
import io.rocketcri.engine.LinuxHostOs;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.LayerBuilder;
import io.rocketcri.testsupport.OciImageBuilder;
import io.rocketcri.testsupport.OciImageBuilder.Compression;
import io.rocketcri.testsupport.PushedImage;
import io.rocketcri.testsupport.RuntimeUnderTest;
import io.rocketcri.testsupport.TestRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A pull that runs out of disk says so and leaves no partial blob or layer behind. */
@Tag("host")
class PullOnFullDiskHostTest {

	@Test
	void fullDiskFailsThePullCleanly() throws Exception {
		RuntimeUnderTest runtime = new RuntimeUnderTest("full-disk");
		TestRegistry registry = TestRegistry.shared();
		Files.createDirectories(runtime.registriesConf().getParent());
		runtime.trustRegistry(registry.address());
		byte[] noise = new byte[6 << 20];
		new Random(7).nextBytes(noise);
		PushedImage big = registry.pusher()
			.push(OciImageBuilder.scratch().layer(LayerBuilder.create().file("/noise", noise, 0644), Compression.NONE).build(),
					TestRegistry.uniqueRepository("big"), "v1");

		// blobs and layers on a 4 MiB file system; the database stays on the roomy one
		HostOs host = new LinuxHostOs();
		Path small = runtime.root().resolve("content");
		Path snapshots = runtime.root().resolve("snapshots");
		Files.createDirectories(small);
		Files.createDirectories(snapshots);
		host.mount("tmpfs", small, "tmpfs", 0, "size=4m");
		host.mount("tmpfs", snapshots, "tmpfs", 0, "size=4m");
		try (ConfigurableApplicationContext app = start(runtime); CriSocketClient client = new CriSocketClient(runtime.socket())) {
			assertThatThrownBy(() -> client.images()
				.pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(big.reference())).build()))
				.isInstanceOfSatisfying(StatusRuntimeException.class, ex -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
					assertThat(ex.getStatus().getDescription()).contains(big.reference()).contains("No space left on device");
				});
			assertThat(client.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesCount()).isZero();
			try (Stream<Path> ingest = Files.list(small.resolve("ingest")); Stream<Path> layers = Files.list(snapshots)) {
				assertThat(ingest).isEmpty();
				assertThat(layers).isEmpty();
			}
		}
		finally {
			host.unmount(small, HostOs.MNT_DETACH);
			host.unmount(snapshots, HostOs.MNT_DETACH);
		}
	}

	private static ConfigurableApplicationContext start(RuntimeUnderTest runtime) {
		return new SpringApplicationBuilder(RocketCriApplication.class).run("--rocket.root=" + runtime.root(),
				"--rocket.state=" + runtime.state(), "--rocket.cri.socket=unix://" + runtime.socket(),
				"--rocket.image.registries-config=" + runtime.registriesConf(),
				"--rocket.network.cni-config-dir=" + runtime.cniConfigDir(), "--server.port=0");
	}

}
