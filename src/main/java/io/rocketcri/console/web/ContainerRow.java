package io.rocketcri.console.web;

import io.rocketcri.container.Container;
import io.rocketcri.pod.PodSandbox;

/** One line of the containers table: crictl ps's columns (CONTAINER IMAGE CREATED STATE NAME ATTEMPT POD ID POD). */
record ContainerRow(String id, String shortId, String image, long createdAt, String created, String state,
		String name, int attempt, String podId, String podShortId, String podName, String namespace, String reason,
		int exitCode) {

	static ContainerRow of(Container c, PodSandbox pod) {
		return new ContainerRow(c.id(), Formats.shortId(c.id()), c.imageName(), c.createdAt(), Formats.ago(c.createdAt()),
				stateName(c.state().name()), c.name(), c.config().getMetadata().getAttempt(), c.podId(),
				Formats.shortId(c.podId()), pod == null ? "" : pod.name(), pod == null ? "" : pod.namespace(), c.reason(),
				c.exitCode());
	}

	/** RUNNING → Running, as crictl prints states. */
	static String stateName(String enumName) {
		return enumName.charAt(0) + enumName.substring(1).toLowerCase(java.util.Locale.ROOT);
	}

}
