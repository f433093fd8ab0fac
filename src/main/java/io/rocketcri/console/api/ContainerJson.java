package io.rocketcri.console.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.rocketcri.config.Json;
import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerState;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.engine.PodEngine;
import io.rocketcri.failure.Internal;
import io.rocketcri.image.ImageRecord;
import io.rocketcri.pod.PodSandbox;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Containers as the API shows them. Environment values never leave the runtime. */
final class ContainerJson {

	/** What an environment value is shown as: values hold secrets often enough (tokens, passwords). */
	static final String MASK = "***";

	private ContainerJson() {
	}

	/**
	 * @param state {@code created}, {@code running}, {@code exited} or {@code unknown}
	 * @param imageRef the repo digest kubelet can pull again, else the image id
	 */
	record ContainerItem(String id, String podId, String podName, String podNamespace, String name, int attempt,
			String image, String imageId, String imageRef, String state, String createdTime, Map<String, String> labels,
			Map<String, String> annotations) {
	}

	record Mount(String containerPath, String hostPath, String image, boolean readOnly, String propagation) {
	}

	record EnvVar(String name, String value) {
	}

	/**
	 * @param exitCode meaningful once {@code finishedTime} is set
	 * @param reason Completed, Error, OOMKilled (kubelet's words)
	 * @param resources the Linux resources kubelet asked for (CPU shares/quota, memory limit, ...)
	 * @param inspect the container's whole CRI config as JSON (proto3 field names), environment masked
	 */
	record ContainerDetail(ContainerItem container, String startedTime, String finishedTime, Integer exitCode,
			String reason, String message, String logPath, int pid, List<String> command, List<String> args,
			String workingDir, boolean tty, boolean stdin, List<EnvVar> env, List<Mount> mounts,
			Map<String, Object> resources, Map<String, Object> info, JsonNode inspect) {
	}

	static ContainerItem item(Container c, PodSandbox pod, ImageRecord image) {
		return new ContainerItem(c.id(), c.podId(), pod == null ? null : pod.name(), pod == null ? null : pod.namespace(),
				c.name(), c.config().getMetadata().getAttempt(), c.imageName(), c.imageId(), imageRef(c, image),
				state(c.state()), Times.rfc3339(c.createdAt()), c.config().getLabelsMap(), c.config().getAnnotationsMap());
	}

	static ContainerDetail detail(Container c, PodSandbox pod, ImageRecord image, PodEngine.ContainerPaths paths) {
		ContainerConfig config = c.config();
		var linux = config.getLinux().getResources();
		Map<String, Object> resources = new LinkedHashMap<>();
		if (config.getLinux().hasResources()) {
			resources.put("cpuPeriod", linux.getCpuPeriod());
			resources.put("cpuQuota", linux.getCpuQuota());
			resources.put("cpuShares", linux.getCpuShares());
			resources.put("memoryLimitInBytes", linux.getMemoryLimitInBytes());
			resources.put("memorySwapLimitInBytes", linux.getMemorySwapLimitInBytes());
			resources.put("oomScoreAdj", linux.getOomScoreAdj());
			resources.put("cpusetCpus", linux.getCpusetCpus());
			resources.put("cpusetMems", linux.getCpusetMems());
		}
		Map<String, Object> info = new LinkedHashMap<>();
		info.put("bundle", paths.bundle().toString());
		info.put("rootfs", paths.rootfs().toString());
		info.put("chainIds", c.chainIds());
		boolean finished = c.finishedAt() > 0;
		return new ContainerDetail(item(c, pod, image), Times.rfc3339(c.startedAt()), Times.rfc3339(c.finishedAt()),
				finished ? c.exitCode() : null, blankToNull(c.reason()), blankToNull(c.message()),
				c.logPath() == null ? null : c.logPath().toString(), c.pid(), config.getCommandList(), config.getArgsList(),
				config.getWorkingDir(), config.getTty(), config.getStdin(),
				config.getEnvsList().stream().map(e -> new EnvVar(e.getKey(), MASK)).toList(),
				config.getMountsList().stream()
					.map(m -> new Mount(m.getContainerPath(), m.getHostPath(), m.hasImage() ? m.getImage().getImage() : null,
							m.getReadonly(), io.rocketcri.container.ContainerMounts.propagation(m.getPropagation())))
					.toList(),
				resources, info, inspect(c));
	}

	/** The CRI config as crictl inspect shows it, with every environment value replaced by the mask. */
	static JsonNode inspect(Container c) {
		try {
			JsonNode config = Json.MAPPER
				.readTree(JsonFormat.printer().preservingProtoFieldNames().print(c.config().toBuilder().clearEnvs()));
			if (config instanceof ObjectNode object && c.config().getEnvsCount() > 0) {
				ArrayNode envs = object.putArray("envs");
				c.config().getEnvsList().forEach(e -> envs.addObject().put("key", e.getKey()).put("value", MASK));
			}
			return config;
		}
		catch (InvalidProtocolBufferException ex) {
			throw new Internal("rendering the config of container " + c.id() + " as JSON: " + ex.getMessage(), ex);
		}
	}

	static String state(ContainerState s) {
		return switch (s) {
			case CREATED -> "created";
			case RUNNING -> "running";
			case EXITED -> "exited";
			case CREATING, UNKNOWN -> "unknown";
		};
	}

	/** The API's state names (and crictl's CONTAINER_* ones), for filters. */
	static ContainerState parseState(String parameter, String text) {
		if (text == null || text.isBlank()) {
			return null;
		}
		String s = text.strip().toLowerCase(Locale.ROOT).replaceFirst("^container_", "");
		return switch (s) {
			case "created" -> ContainerState.CREATED;
			case "running" -> ContainerState.RUNNING;
			case "exited" -> ContainerState.EXITED;
			case "unknown" -> ContainerState.UNKNOWN;
			default -> throw new io.rocketcri.failure.InvalidArgument("%s: unknown container state \"%s\"; one of created, running, exited, unknown"
				.formatted(parameter, Problems.bounded(text)));
		};
	}

	private static String imageRef(Container c, ImageRecord image) {
		if (image != null && !image.repoDigests().isEmpty()) {
			return image.repoDigests().getFirst();
		}
		return c.imageId();
	}

	private static String blankToNull(String s) {
		return s == null || s.isEmpty() ? null : s;
	}

}
