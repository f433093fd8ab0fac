package io.rocketcri.container.spec;

import java.nio.file.Path;
import java.util.Objects;

import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.PodSandboxConfig;

/**
 * Everything one container's OCI spec is made from.
 *
 * @param containerId the container's full id (names its cgroup and the annotations)
 * @param sandboxId the id of the pod sandbox the container joins (annotation
 * {@code io.kubernetes.cri.sandbox-id})
 * @param config the container config from CreateContainer, as kubelet sent it
 * @param pod the sandbox config from CreateContainer (kubelet resends it with every container)
 * @param image what the image's config says to run and as whom
 * @param rootfs the container's mounted root file system; {@code /etc/passwd} and
 * {@code /etc/group} are read from here
 * @param podResources what the pod already set up on the host for its containers to join
 */
public record SpecInput(String containerId, String sandboxId, ContainerConfig config, PodSandboxConfig pod,
		ImageSettings image, Path rootfs, PodResources podResources) {

	public SpecInput {
		Objects.requireNonNull(containerId, "containerId");
		Objects.requireNonNull(sandboxId, "sandboxId");
		Objects.requireNonNull(config, "config");
		Objects.requireNonNull(pod, "pod");
		Objects.requireNonNull(image, "image");
		Objects.requireNonNull(rootfs, "rootfs");
		Objects.requireNonNull(podResources, "podResources");
	}

}
