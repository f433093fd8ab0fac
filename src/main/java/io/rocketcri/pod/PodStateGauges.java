package io.rocketcri.pod;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

/** {@code rocket_cri_pods{state=...}}: pod sandboxes by state, counted from the in-memory store when scraped. */
@Component
class PodStateGauges implements MeterBinder {

	private final PodSandboxStore store;

	PodStateGauges(PodSandboxStore store) {
		this.store = store;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (PodSandboxState state : PodSandboxState.values()) {
			Gauge.builder("rocket.cri.pods", store, s -> s.all().stream().filter(p -> p.state() == state).count())
				.description("Pod sandboxes by state")
				.tag("state", state.name().toLowerCase())
				.register(registry);
		}
	}

}
