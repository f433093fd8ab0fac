package io.rocketcri.console.api;

import java.util.List;
import java.util.Map;

import io.rocketcri.container.ContainerMounts;
import io.rocketcri.image.ImageService;
import io.rocketcri.node.NodeStatusService;
import io.rocketcri.node.RuntimeCondition;
import io.rocketcri.node.doctor.Finding;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The node's runtime as a whole: conditions, config, version, image disk usage, mounts. */
@RestController
@RequestMapping(path = "/api/v1", produces = "application/json")
class RuntimeController {

	private final NodeStatusService node;

	private final ImageService images;

	private final ContainerMounts mounts;

	RuntimeController(NodeStatusService node, ImageService images, ContainerMounts mounts) {
		this.node = node;
		this.images = images;
		this.mounts = mounts;
	}

	/**
	 * @param conditions RuntimeReady and NetworkReady, as kubelet reads them from CRI Status
	 * @param config the configuration in effect
	 * @param doctor the preflight findings ({@code java -jar rocket-cri.jar doctor})
	 */
	record RuntimeInfo(List<RuntimeCondition> conditions, Map<String, Object> config, List<Finding> doctor) {
	}

	record Version(String runtimeName, String runtimeVersion, String runtimeApiVersion) {
	}

	record ImageFs(String mountpoint, long usedBytes, long inodesUsed) {
	}

	record MountList(List<ContainerMounts.MountedSource> items) {
	}

	@GetMapping("/runtime/info")
	RuntimeInfo info() {
		return new RuntimeInfo(node.conditions(), node.effectiveConfig(), node.doctor());
	}

	@GetMapping("/runtime/version")
	Version version() {
		return new Version(NodeStatusService.RUNTIME_NAME, node.runtimeVersion(), NodeStatusService.RUNTIME_API_VERSION);
	}

	@GetMapping("/imagefs")
	ImageFs imageFs() {
		ImageService.FsUsage usage = images.fsUsage();
		return new ImageFs(usage.mountpoint(), usage.usedBytes(), usage.inodesUsed());
	}

	/** Every container mount on the node, grouped by host path (or image volume). */
	@GetMapping("/mounts")
	MountList mounts() {
		return new MountList(mounts.bySource());
	}

}
