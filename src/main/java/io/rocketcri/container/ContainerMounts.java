package io.rocketcri.container;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.rocketcri.cri.api.Mount;
import io.rocketcri.cri.api.MountPropagation;
import io.rocketcri.failure.NotFound;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxService;

import org.springframework.stereotype.Service;

/**
 * Every mount kubelet asked for, across the node's containers, grouped by what is mounted: the
 * console's "Volumes" page. CRI has no volume object (kubelet owns its volume directories), so
 * this shows host paths and the containers sharing them, not invented volumes. The runtime's own
 * mounts (resolv.conf, hosts, /dev/shm) are not listed.
 */
@Service
public class ContainerMounts {

	private final ContainerService containers;

	private final PodSandboxService pods;

	ContainerMounts(ContainerService containers, PodSandboxService pods) {
		this.containers = containers;
		this.pods = pods;
	}

	/**
	 * One thing mounted and who mounts it.
	 * @param source the host path, or {@code image:<reference>} for an image volume
	 * @param users sorted by pod namespace, pod name, container name
	 */
	public record MountedSource(String source, List<MountUser> users) {

		public MountedSource {
			users = List.copyOf(users);
		}

	}

	/**
	 * @param podName null (likewise podNamespace) when the pod is gone but the container is not yet
	 * @param propagation Kubernetes' names: None, HostToContainer, Bidirectional
	 */
	public record MountUser(String containerId, String containerName, String podId, String podName,
			String podNamespace, String containerPath, boolean readOnly, String propagation) {
	}

	/** All mounts of all containers, by source, sources sorted. */
	public List<MountedSource> bySource() {
		return group(containers.list(ContainerFilter.ALL), id -> {
			try {
				return Optional.of(pods.get(id));
			}
			catch (NotFound ex) {
				return Optional.empty();
			}
		});
	}

	static List<MountedSource> group(Collection<Container> all, Function<String, Optional<PodSandbox>> podOf) {
		Map<String, List<MountUser>> bySource = new LinkedHashMap<>();
		for (Container c : all) {
			Optional<PodSandbox> pod = podOf.apply(c.podId());
			for (Mount m : c.config().getMountsList()) {
				String source = !m.getHostPath().isEmpty() || !m.hasImage() ? m.getHostPath() : "image:" + m.getImage().getImage();
				bySource.computeIfAbsent(source, k -> new ArrayList<>())
					.add(new MountUser(c.id(), c.name(), c.podId(), pod.map(PodSandbox::name).orElse(null),
							pod.map(PodSandbox::namespace).orElse(null), m.getContainerPath(), m.getReadonly(),
							propagation(m.getPropagation())));
			}
		}
		Comparator<MountUser> order = Comparator
			.comparing(MountUser::podNamespace, Comparator.nullsLast(Comparator.naturalOrder()))
			.thenComparing(MountUser::podName, Comparator.nullsLast(Comparator.naturalOrder()))
			.thenComparing(MountUser::containerName)
			.thenComparing(MountUser::containerPath);
		return bySource.entrySet()
			.stream()
			.sorted(Map.Entry.comparingByKey())
			.map(e -> new MountedSource(e.getKey(), e.getValue().stream().sorted(order).toList()))
			.toList();
	}

	/** Kubernetes' name of a CRI mount propagation: None, HostToContainer, Bidirectional. */
	public static String propagation(MountPropagation p) {
		return switch (p) {
			case PROPAGATION_HOST_TO_CONTAINER -> "HostToContainer";
			case PROPAGATION_BIDIRECTIONAL -> "Bidirectional";
			case PROPAGATION_PRIVATE, UNRECOGNIZED -> "None";
		};
	}

}
