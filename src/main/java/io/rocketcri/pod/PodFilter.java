package io.rocketcri.pod;

import java.util.Map;

/** ListPodSandbox's filter: id (or id prefix), state, and labels that must all match. */
public record PodFilter(String idPrefix, PodSandboxState state, Map<String, String> labels) {

	public static final PodFilter ALL = new PodFilter(null, null, Map.of());

	boolean matches(PodSandbox pod) {
		if (idPrefix != null && !idPrefix.isEmpty() && !pod.id().startsWith(idPrefix)) {
			return false;
		}
		if (state != null) {
			boolean ready = pod.state() == PodSandboxState.READY;
			if ((state == PodSandboxState.READY) != ready) {
				return false;
			}
		}
		if (labels.isEmpty()) {
			return true; // kubelet's relists have no selector: no label map view built per pod
		}
		Map<String, String> podLabels = pod.config().getLabelsMap();
		return labels.entrySet().stream().allMatch(e -> e.getValue().equals(podLabels.get(e.getKey())));
	}

}
