package io.rocketcri.container;

import java.util.List;

import io.rocketcri.pod.PodSandbox;

/**
 * A container lifecycle change as GetContainerEvents reports it, with snapshots taken when it
 * happened: the pod and all of the pod's containers (a deleted container is no longer among them).
 *
 * @param createdAt when the change happened, nanoseconds since the epoch
 * @param pod the container's pod, null if the pod was already gone
 */
public record ContainerEvent(String containerId, Type type, long createdAt, PodSandbox pod,
		List<Container> podContainers) {

	public ContainerEvent {
		podContainers = List.copyOf(podContainers);
	}

	public enum Type {
		CREATED, STARTED, STOPPED, DELETED
	}

}
