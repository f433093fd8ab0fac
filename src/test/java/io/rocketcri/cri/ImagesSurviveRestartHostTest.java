package io.rocketcri.cri;

import java.nio.file.Files;

import io.rocketcri.RocketCriApplication;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.ImageStatusRequest;
import io.rocketcri.cri.api.ListImagesRequest;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.Layers;
import io.rocketcri.testsupport.OciImageBuilder;
import io.rocketcri.testsupport.PushedImage;
import io.rocketcri.testsupport.RuntimeUnderTest;
import io.rocketcri.testsupport.TestRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** A restart of the runtime finds every image it had, from H2 and the stores on disk. */
@Tag("host")
class ImagesSurviveRestartHostTest {

	@Test
	void imagesAndTheirNamesSurviveARestart() throws Exception {
		RuntimeUnderTest runtime = new RuntimeUnderTest("restart");
		TestRegistry registry = TestRegistry.shared();
		Files.createDirectories(runtime.registriesConf().getParent());
		runtime.trustRegistry(registry.address());
		PushedImage pushed = registry.pusher()
			.push(OciImageBuilder.busybox().layer(Layers.file("/restart", "1")).build(), TestRegistry.uniqueRepository("restart"), "v1");

		try (ConfigurableApplicationContext first = start(runtime); CriSocketClient client = new CriSocketClient(runtime.socket())) {
			client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(pushed.reference())).build());
		}
		try (ConfigurableApplicationContext second = start(runtime); CriSocketClient client = new CriSocketClient(runtime.socket())) {
			var images = client.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList();
			assertThat(images).singleElement().satisfies(image -> {
				assertThat(image.getId()).isEqualTo(pushed.imageId());
				assertThat(image.getRepoTagsList()).containsExactly(pushed.reference());
				assertThat(image.getRepoDigestsList()).containsExactly(pushed.name() + "@" + pushed.topDigest());
			});
			var status = client.images()
				.imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(pushed.reference())).setVerbose(true).build());
			assertThat(status.getInfoOrThrow("info")).contains(pushed.layerDigests().getLast());
		}
	}

	private static ConfigurableApplicationContext start(RuntimeUnderTest runtime) {
		return new SpringApplicationBuilder(RocketCriApplication.class).run(
				"--rocket.root=" + runtime.root(), "--rocket.state=" + runtime.state(),
				"--rocket.cri.socket=unix://" + runtime.socket(),
				"--rocket.image.registries-config=" + runtime.registriesConf(),
				"--rocket.network.cni-config-dir=" + runtime.cniConfigDir(), "--server.port=0");
	}

}
