package io.rocketcri.container;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.Mount;
import io.rocketcri.cri.api.MountPropagation;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerMountsTest {

	static PodSandbox pod(String id, String name, String namespace) {
		return new PodSandbox(id, name, PodSandboxState.READY, 1, "runc",
				PodSandboxConfig.newBuilder().setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace(namespace)).build(),
				null, null, null, null, null, List.of(), "", true);
	}

	static Container container(String id, String podId, String name, Mount... mounts) {
		ContainerConfig config = ContainerConfig.newBuilder()
			.setMetadata(ContainerMetadata.newBuilder().setName(name))
			.addAllMounts(List.of(mounts))
			.build();
		return new Container(id, podId, name, ContainerState.RUNNING, 1, 0, 0, 0, "", "", "sha256:i", "img", List.of(),
				config, null, 0);
	}

	static Mount mount(String host, String path, boolean readOnly, MountPropagation propagation) {
		return Mount.newBuilder().setHostPath(host).setContainerPath(path).setReadonly(readOnly).setPropagation(propagation).build();
	}

	@Test
	void groupsMountsByHostPathWithEveryContainerUsingIt() {
		Map<String, PodSandbox> pods = Map.of("p1", pod("p1", "web", "shop"), "p2", pod("p2", "db", "shop"));
		var shared = "/var/lib/kubelet/pods/u1/volumes/kubernetes.io~empty-dir/data";
		List<Container> containers = List.of(
				container("c2", "p2", "mysql", mount(shared, "/var/lib/mysql", false, MountPropagation.PROPAGATION_BIDIRECTIONAL)),
				container("c1", "p1", "nginx", mount(shared, "/data", true, MountPropagation.PROPAGATION_PRIVATE),
						mount("/etc/ssl", "/etc/ssl", true, MountPropagation.PROPAGATION_HOST_TO_CONTAINER)),
				container("c3", "gone", "orphan", Mount.newBuilder()
					.setContainerPath("/models")
					.setImage(ImageSpec.newBuilder().setImage("registry/models:v1"))
					.build()),
				container("c4", "p1", "sidecar"));

		var grouped = ContainerMounts.group(containers, id -> Optional.ofNullable(pods.get(id)));

		assertThat(grouped).extracting(ContainerMounts.MountedSource::source)
			.containsExactly("/etc/ssl", shared, "image:registry/models:v1");
		var sharedUsers = grouped.get(1).users();
		assertThat(sharedUsers).extracting(ContainerMounts.MountUser::containerName).containsExactly("mysql", "nginx");
		assertThat(sharedUsers.get(0)).isEqualTo(new ContainerMounts.MountUser("c2", "mysql", "p2", "db", "shop",
				"/var/lib/mysql", false, "Bidirectional"));
		assertThat(sharedUsers.get(1).readOnly()).isTrue();
		assertThat(sharedUsers.get(1).propagation()).isEqualTo("None");
		assertThat(grouped.get(0).users().getFirst().propagation()).isEqualTo("HostToContainer");
		assertThat(grouped.get(2).users().getFirst().podName()).as("pod already gone").isNull();
	}

}
