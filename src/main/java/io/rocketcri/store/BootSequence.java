package io.rocketcri.store;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
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

	@EventListener(ApplicationReadyEvent.class)
	void boot() {
		for (BootStep step : steps) {
			try {
				step.run();
			}
			catch (RuntimeException ex) {
				log.error("boot step {} failed; CRI calls stay UNAVAILABLE: {}", step.name(), ex.getMessage(), ex);
				return;
			}
		}
		gate.open();
		log.info("rocket-cri ready: {} boot steps done", steps.size());
	}

}
