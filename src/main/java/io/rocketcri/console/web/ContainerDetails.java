package io.rocketcri.console.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.rocketcri.config.Json;
import io.rocketcri.container.Container;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.KeyValue;
import io.rocketcri.pod.PodSandbox;
import tools.jackson.core.JacksonException;

/**
 * A container's details page: its status, mounts, environment (values masked: they are where
 * secrets end up), resources, labels and the raw inspect JSON (with the same masking).
 */
record ContainerDetails(ContainerRow row, Container container, PodSandbox pod, String started, String finished,
		List<MountRow> mounts, List<String> envNames, Map<String, String> resources, Map<String, String> labels,
		Map<String, String> annotations, String inspectJson) {

	static final String MASK = "••••••";

	record MountRow(String containerPath, String hostPath, boolean readonly, String propagation) {
	}

	static ContainerDetails of(Container c, PodSandbox pod) {
		ContainerConfig config = c.config();
		List<MountRow> mounts = config.getMountsList()
			.stream()
			.map(m -> new MountRow(m.getContainerPath(), m.getHostPath(), m.getReadonly(), m.getPropagation().name()))
			.toList();
		List<String> envNames = config.getEnvsList().stream().map(KeyValue::getKey).toList();
		return new ContainerDetails(ContainerRow.of(c, pod), c, pod, Formats.time(c.startedAt()),
				Formats.time(c.finishedAt()), mounts, envNames, resources(config), new LinkedHashMap<>(config.getLabelsMap()),
				new LinkedHashMap<>(config.getAnnotationsMap()), inspect(c));
	}

	/** What the container may use, in the units kubelet sent; only the limits that are set. */
	static Map<String, String> resources(ContainerConfig config) {
		var r = config.getLinux().getResources();
		Map<String, String> out = new LinkedHashMap<>();
		if (r.getCpuShares() > 0) {
			out.put("cpu shares", Long.toString(r.getCpuShares()));
		}
		if (r.getCpuQuota() > 0) {
			out.put("cpu quota / period", r.getCpuQuota() + " / " + r.getCpuPeriod() + " µs");
		}
		if (r.getMemoryLimitInBytes() > 0) {
			out.put("memory limit", Formats.bytes(r.getMemoryLimitInBytes()));
		}
		if (r.getMemorySwapLimitInBytes() > 0) {
			out.put("memory + swap limit", Formats.bytes(r.getMemorySwapLimitInBytes()));
		}
		if (!r.getCpusetCpus().isEmpty()) {
			out.put("cpuset cpus", r.getCpusetCpus());
		}
		if (r.getOomScoreAdj() != 0) {
			out.put("oom_score_adj", Long.toString(r.getOomScoreAdj()));
		}
		return out;
	}

	/** ContainerStatus-like JSON, with the CRI config as kubelet sent it (environment values masked). */
	static String inspect(Container c) {
		List<KeyValue> masked = new ArrayList<>();
		c.config().getEnvsList().forEach(e -> masked.add(e.toBuilder().setValue(com.google.protobuf.ByteString.copyFromUtf8(MASK)).build()));
		ContainerConfig shown = c.config().toBuilder().clearEnvs().addAllEnvs(masked).build();
		String config;
		try {
			config = JsonFormat.printer().print(shown);
		}
		catch (InvalidProtocolBufferException ex) {
			config = "\"" + ex.getMessage() + "\"";
		}
		Map<String, Object> status = new LinkedHashMap<>();
		status.put("id", c.id());
		status.put("podSandboxId", c.podId());
		status.put("state", c.state().name());
		status.put("createdAt", c.createdAt());
		status.put("startedAt", c.startedAt());
		status.put("finishedAt", c.finishedAt());
		status.put("exitCode", c.exitCode());
		status.put("reason", c.reason());
		status.put("message", c.message());
		status.put("image", c.imageName());
		status.put("imageRef", c.imageId());
		status.put("logPath", c.logPath() == null ? "" : c.logPath().toString());
		status.put("pid", c.pid());
		StringBuilder json = new StringBuilder("{\n  \"status\": ");
		try {
			json.append(Json.MAPPER.writerWithDefaultPrettyPrinter()
				.writeValueAsString(status)
				.replace("\n", "\n  "));
		}
		catch (JacksonException ex) {
			json.append("{}");
		}
		json.append(",\n  \"config\": ").append(config.replace("\n", "\n  ")).append("\n}");
		return json.toString();
	}

}
