package io.rocketcri.container;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.rocketcri.events.EventBus;

import org.springframework.stereotype.Component;

/**
 * {@code rocket_cri_containers{state=...}}: containers by state, counted from the in-memory store
 * when scraped; and {@code rocket_cri_container_event_watchers}, the open GetContainerEvents streams.
 */
@Component
class ContainerStateGauges implements MeterBinder {

	private final ContainerStore store;

	private final EventBus<ContainerEvent> events;

	ContainerStateGauges(ContainerStore store, EventBus<ContainerEvent> events) {
		this.store = store;
		this.events = events;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (ContainerState state : ContainerState.values()) {
			Gauge.builder("rocket.cri.containers", store, s -> s.all().stream().filter(c -> c.state() == state).count())
				.description("Containers by state")
				.tag("state", state.name().toLowerCase())
				.register(registry);
		}
		Gauge.builder("rocket.cri.container.event.watchers", events, EventBus::watcherCount)
			.description("Open GetContainerEvents streams")
			.register(registry);
	}

}
