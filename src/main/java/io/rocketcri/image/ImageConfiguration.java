package io.rocketcri.image;

import java.io.IOException;

import io.micrometer.core.instrument.MeterRegistry;
import io.rocketcri.config.RocketProperties;
import io.rocketcri.engine.HostOs;
import io.rocketcri.image.content.ContentStore;
import io.rocketcri.image.registry.DockerConfigCredentials;
import io.rocketcri.image.registry.RegistryClient;
import io.rocketcri.image.snapshot.LayerUnpacker;
import io.rocketcri.image.snapshot.SnapshotStore;
import io.rocketcri.store.BootStep;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.util.function.SingletonSupplier;

/** Wires the image capability: registry client, content store, snapshots, store, puller. */
@Configuration(proxyBeanMethods = false)
class ImageConfiguration {

	@Bean
	ContentStore contentStore(RocketProperties properties) throws IOException {
		return new ContentStore(properties.root().resolve("content"));
	}

	@Bean
	SnapshotStore snapshotStore(RocketProperties properties) {
		return new SnapshotStore(properties.root());
	}

	@Bean
	RegistryClient registryClient(RocketProperties properties) {
		return new RegistryClient(new ReloadingRegistriesConfig(properties.image().registriesConfig()),
				DockerConfigCredentials.load(properties.image().authFiles()),
				SingletonSupplier.of(RegistryClient::newHttpClient));
	}

	@Bean
	LayerLeases layerLeases() {
		return new LayerLeases();
	}

	@Bean
	ImageService imageService(RocketProperties properties, ImageStore store, RegistryClient registry,
			ContentStore content, SnapshotStore snapshots, HostOs host, LayerLeases leases,
			ObjectProvider<LayerUsers> layerUsers, MeterRegistry meters) {
		ImagePuller puller = new ImagePuller(registry, content, snapshots, new LayerUnpacker(host), store, leases,
				properties.image().maxConcurrentLayerDownloads(), meters);
		return new ImageService(store, puller, content, snapshots, leases, layerUsers);
	}

	/** First boot step: images before containers, whose layers they are. */
	@Bean
	@Order(BootStep.LOAD_IMAGES)
	BootStep loadImages(ImageStore store, SnapshotStore snapshots) {
		return BootStep.of("load images", () -> {
			try {
				snapshots.removeLeftovers();
			}
			catch (IOException ex) {
				throw new java.io.UncheckedIOException("removing half-unpacked layers under " + snapshots.root() + ": " + ex.getMessage(), ex);
			}
			store.load();
		});
	}

	/** Last boot step: with images and containers known, what nothing references can go. */
	@Bean
	@Order(BootStep.COLLECT_GARBAGE)
	BootStep collectImageGarbage(ImageService images) {
		return BootStep.of("collect unreferenced layers, blobs and snapshots", images::collectGarbage);
	}

}
