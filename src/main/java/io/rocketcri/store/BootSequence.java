package io.rocketcri.store;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Runs every {@link BootStep} (load state from H2, reconcile with the host), then opens the
 * {@link BootGate}. A failing step keeps the gate closed and says why: answering kubelet from a
 * store that does not match the host would be worse than answering nothing.
 */
@Component
class BootSequence {

	private static final Logger log = LoggerFactory.getLogger(BootSequence.class);

	private final List<BootStep> steps;

	private final BootGate gate;

	BootSequence(List<BootStep> steps, BootGate gate) {
		this.steps = steps;
		this.gate = gate;
	}

	/** First among the ready listeners: what else runs at start-up need not delay kubelet. */
	@EventListener(ApplicationReadyEvent.class)
	@Order(Ordered.HIGHEST_PRECEDENCE)
	void boot() {
		long start = System.nanoTime();
		List<String> took = new ArrayList<>();
		for (BootStep step : steps) {
			long stepStart = System.nanoTime();
			try {
				step.run();
			}
			catch (RuntimeException ex) {
				log.error("boot step {} failed; CRI calls stay UNAVAILABLE: {}", step.name(), ex.getMessage(), ex);
				return;
			}
			took.add(step.name() + " " + (System.nanoTime() - stepStart) / 1_000_000 + " ms");
		}
		gate.open();
		// the steps' times: what a node with many images or containers waits for before kubelet is answered
		log.info("rocket-cri ready: {} boot steps done in {} ms ({})", steps.size(), (System.nanoTime() - start) / 1_000_000,
				String.join(", ", took));
	}

}
