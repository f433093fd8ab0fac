package io.rocketcri.container;

import java.util.Map;

/** ListContainers' filter: id or id prefix, state, pod sandbox id (or prefix), labels that must all match. */
public record ContainerFilter(String idPrefix, ContainerState state, String podIdPrefix, Map<String, String> labels) {

	public static final ContainerFilter ALL = new ContainerFilter(null, null, null, Map.of());

	boolean matches(Container c) {
		if (idPrefix != null && !idPrefix.isEmpty() && !c.id().startsWith(idPrefix)) {
			return false;
		}
		if (state != null && reported(c.state()) != reported(state)) {
			return false;
		}
		if (podIdPrefix != null && !podIdPrefix.isEmpty() && !c.podId().startsWith(podIdPrefix)) {
			return false;
		}
		if (labels.isEmpty()) {
			return true; // kubelet's relists have no selector: no label map view built per container
		}
		Map<String, String> own = c.config().getLabelsMap();
		return labels.entrySet().stream().allMatch(e -> e.getValue().equals(own.get(e.getKey())));
	}

	/** CREATING and UNKNOWN are both CONTAINER_UNKNOWN to kubelet. */
	static ContainerState reported(ContainerState s) {
		return s == ContainerState.CREATING ? ContainerState.UNKNOWN : s;
	}

}
