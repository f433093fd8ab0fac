package io.rocketcri.image.archive;

import java.io.IOException;

import io.rocketcri.config.RocketProperties;
import io.rocketcri.image.ImageService;
import io.rocketcri.image.content.ContentStore;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires image archives: staging under the data root, next to the content store it feeds. */
@Configuration(proxyBeanMethods = false)
class ArchiveConfiguration {

	@Bean
	ImageArchives imageArchives(RocketProperties properties, ImageService images, ContentStore content)
			throws IOException {
		return new ImageArchives(images, content, properties.root().resolve("archive-staging"));
	}

}
