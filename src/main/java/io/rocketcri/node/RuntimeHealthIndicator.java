package io.rocketcri.node;

import io.rocketcri.store.BootGate;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The runtime's readiness as kubelet would judge it, for {@code /actuator/health/readiness}: up
 * once boot reconciliation is done (the gate is open) and both CRI conditions, RuntimeReady and
 * NetworkReady, hold. Details carry each condition's reason and message.
 */
@Component("criRuntime")
class RuntimeHealthIndicator implements HealthIndicator {

	private final NodeStatusService node;

	private final BootGate gate;

	RuntimeHealthIndicator(NodeStatusService node, BootGate gate) {
		this.node = node;
		this.gate = gate;
	}

	@Override
	public Health health() {
		Health.Builder health = Health.up();
		if (!gate.isOpen()) {
			health = Health.outOfService().withDetail("boot", "state not yet reconciled with the host");
		}
		else {
			health.withDetail("boot", "done");
		}
		for (RuntimeCondition c : node.conditions()) {
			health.withDetail(c.type(), c.status() ? "true" : c.reason() + ": " + c.message());
			if (!c.status()) {
				health.down();
			}
		}
		return health.build();
	}

}
