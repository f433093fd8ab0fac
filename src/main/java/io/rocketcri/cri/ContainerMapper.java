package io.rocketcri.cri;

import java.util.LinkedHashMap;
import java.util.Map;

import io.rocketcri.config.Json;
import io.rocketcri.container.ContainerFilter;
import io.rocketcri.container.ContainerState;
import io.rocketcri.cri.api.Container;
import io.rocketcri.cri.api.ContainerStateValue;
import io.rocketcri.cri.api.ContainerStatus;
import io.rocketcri.cri.api.ContainerUser;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.LinuxContainerUser;
import io.rocketcri.engine.PodEngine;
import io.rocketcri.failure.Internal;
import io.rocketcri.image.ImageRecord;
import tools.jackson.core.JacksonException;

import org.springframework.stereotype.Component;

/** Containers between the container capability and their CRI messages. Pure functions. */
@Component
class ContainerMapper {

	Container toListItem(io.rocketcri.container.Container c, ImageRecord image) {
		return Container.newBuilder()
			.setId(c.id())
			.setPodSandboxId(c.podId())
			.setMetadata(c.config().getMetadata())
			.setImage(ImageSpec.newBuilder().setImage(c.imageName()))
			.setImageRef(imageRef(c, image))
			.setImageId(c.imageId())
			.setState(state(c.state()))
			.setCreatedAt(c.createdAt())
			.putAllLabels(c.config().getLabelsMap())
			.putAllAnnotations(c.config().getAnnotationsMap())
			.build();
	}

	/** @param user the process's effective user, null when unknown (its bundle is gone) */
	ContainerStatus toStatus(io.rocketcri.container.Container c, ImageRecord image, PodEngine.ProcessUser user) {
		ContainerStatus.Builder b = ContainerStatus.newBuilder()
			.setId(c.id())
			.setMetadata(c.config().getMetadata())
			.setState(state(c.state()))
			.setCreatedAt(c.createdAt())
			.setStartedAt(c.startedAt())
			.setFinishedAt(c.finishedAt())
			.setExitCode(c.exitCode())
			.setImage(ImageSpec.newBuilder().setImage(c.imageName()))
			.setImageRef(imageRef(c, image))
			.setImageId(c.imageId())
			.setReason(c.reason() == null ? "" : c.reason())
			.setMessage(c.message() == null ? "" : c.message())
			.putAllLabels(c.config().getLabelsMap())
			.putAllAnnotations(c.config().getAnnotationsMap())
			.addAllMounts(c.config().getMountsList())
			.setLogPath(c.logPath() == null ? "" : c.logPath().toString())
			.setStopSignal(c.config().getStopSignal());
		if (user != null) {
			// kubelet shows these as the pod's status.containerStatuses[].user (SupplementalGroupsPolicy)
			b.setUser(ContainerUser.newBuilder()
				.setLinux(LinuxContainerUser.newBuilder()
					.setUid(user.uid())
					.setGid(user.gid())
					.addAllSupplementalGroups(user.additionalGids())));
		}
		if (c.config().getLinux().hasResources()) {
			b.setResources(io.rocketcri.cri.api.ContainerResources.newBuilder().setLinux(c.config().getLinux().getResources()));
		}
		return b.build();
	}

	Map<String, String> verboseInfo(io.rocketcri.container.Container c, io.rocketcri.engine.PodEngine.ContainerPaths paths) {
		Map<String, Object> info = new LinkedHashMap<>();
		info.put("sandboxID", c.podId());
		info.put("pid", c.pid());
		info.put("state", c.state().name());
		info.put("bundle", paths.bundle().toString());
		info.put("rootfs", paths.rootfs().toString());
		info.put("chainIds", c.chainIds());
		try {
			return Map.of("info", Json.MAPPER.writeValueAsString(info));
		}
		catch (JacksonException ex) {
			throw new Internal("rendering verbose status of container " + c.id() + ": " + ex.getMessage(), ex);
		}
	}

	ContainerFilter filter(io.rocketcri.cri.api.ContainerFilter f) {
		if (f == null || f.equals(io.rocketcri.cri.api.ContainerFilter.getDefaultInstance())) {
			return ContainerFilter.ALL;
		}
		ContainerState state = f.hasState() ? domainState(f.getState()) : null;
		return new ContainerFilter(f.getId(), state, f.getPodSandboxId(), f.getLabelSelectorMap());
	}

	private static ContainerState domainState(ContainerStateValue v) {
		return switch (v.getState()) {
			case CONTAINER_CREATED -> ContainerState.CREATED;
			case CONTAINER_RUNNING -> ContainerState.RUNNING;
			case CONTAINER_EXITED -> ContainerState.EXITED;
			case CONTAINER_UNKNOWN, UNRECOGNIZED -> ContainerState.UNKNOWN;
		};
	}

	static io.rocketcri.cri.api.ContainerState state(ContainerState s) {
		return switch (s) {
			case CREATED -> io.rocketcri.cri.api.ContainerState.CONTAINER_CREATED;
			case RUNNING -> io.rocketcri.cri.api.ContainerState.CONTAINER_RUNNING;
			case EXITED -> io.rocketcri.cri.api.ContainerState.CONTAINER_EXITED;
			case CREATING, UNKNOWN -> io.rocketcri.cri.api.ContainerState.CONTAINER_UNKNOWN;
		};
	}

	/** The repo digest kubelet can pull again, else the image id. */
	private static String imageRef(io.rocketcri.container.Container c, ImageRecord image) {
		if (image != null && !image.repoDigests().isEmpty()) {
			return image.repoDigests().getFirst();
		}
		return c.imageId();
	}

}
