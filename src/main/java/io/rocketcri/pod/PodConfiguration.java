package io.rocketcri.pod;

import io.rocketcri.events.EventBus;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the pod lifecycle's event bus. */
@Configuration(proxyBeanMethods = false)
class PodConfiguration {

	/** Pod lifecycle events for the console's live pages; each watcher may fall this many behind. */
	@Bean
	EventBus<PodEvent> podEvents() {
		return new EventBus<>(EventBus.DEFAULT_CAPACITY);
	}

}
