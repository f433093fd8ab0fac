package io.rocketcri.console.web;

import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxState;

/** One line of the pods table: crictl pods' columns (POD ID CREATED STATE NAME NAMESPACE ATTEMPT RUNTIME). */
record PodRow(String id, String shortId, long createdAt, String created, String state, String name, String namespace,
		int attempt, String runtime, String ip) {

	static PodRow of(PodSandbox pod) {
		return new PodRow(pod.id(), Formats.shortId(pod.id()), pod.createdAt(), Formats.ago(pod.createdAt()),
				stateName(pod.state()), pod.name(), pod.namespace(), pod.config().getMetadata().getAttempt(),
				pod.runtimeHandler(), pod.ips().isEmpty() ? "" : pod.ips().getFirst());
	}

	/** crictl's words: Ready, NotReady (kubelet sees CREATING as not ready too). */
	static String stateName(PodSandboxState state) {
		return state == PodSandboxState.READY ? "Ready" : "NotReady";
	}

}
