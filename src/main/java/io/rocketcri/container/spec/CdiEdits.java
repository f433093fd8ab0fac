package io.rocketcri.container.spec;

import java.util.ArrayList;
import java.util.List;

import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.Device;
import io.rocketcri.cri.api.KeyValue;
import io.rocketcri.cri.api.Mount;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What CDI devices add to a container (the CDI spec's {@code containerEdits}), already merged
 * across the devices asked for. Device nodes, mounts and environment become the CRI fields they
 * mean, so the spec generator applies them by the same rules (and checks) as kubelet's own;
 * hooks go straight into the OCI spec.
 *
 * <p>Not applied: a device node's uid, gid and fileMode (runc creates nodes as the host has them)
 * and mount options other than {@code ro} (CDI mounts are bind mounts, private propagation).
 */
record CdiEdits(List<String> env, List<DeviceNode> deviceNodes, List<MountEdit> mounts, List<Hook> hooks) {

	static final CdiEdits NONE = new CdiEdits(List.of(), List.of(), List.of(), List.of());

	/** OCI hook points runc 1.1 runs. */
	static final List<String> HOOK_NAMES = List.of("prestart", "createRuntime", "createContainer", "startContainer",
			"poststart", "poststop");

	CdiEdits {
		env = List.copyOf(env);
		deviceNodes = List.copyOf(deviceNodes);
		mounts = List.copyOf(mounts);
		hooks = List.copyOf(hooks);
	}

	/** @param hostPath null when the same as {@code path} */
	record DeviceNode(String path, String hostPath, String permissions) {
	}

	record MountEdit(String hostPath, String containerPath, boolean readOnly) {
	}

	record Hook(String hookName, String path, List<String> args, List<String> env, Integer timeout) {
	}

	boolean isEmpty() {
		return env.isEmpty() && deviceNodes.isEmpty() && mounts.isEmpty() && hooks.isEmpty();
	}

	CdiEdits plus(CdiEdits other) {
		return new CdiEdits(concat(env, other.env), concat(deviceNodes, other.deviceNodes), concat(mounts, other.mounts),
				concat(hooks, other.hooks));
	}

	/** The config with these edits as CRI devices, mounts and envs, and its CDI names cleared. */
	ContainerConfig applyTo(ContainerConfig config) {
		ContainerConfig.Builder b = config.toBuilder().clearCDIDevices();
		for (DeviceNode node : deviceNodes) {
			b.addDevices(Device.newBuilder()
				.setContainerPath(node.path())
				.setHostPath(node.hostPath() != null ? node.hostPath() : node.path())
				.setPermissions(node.permissions() != null ? node.permissions() : "rwm"));
		}
		for (MountEdit mount : mounts) {
			b.addMounts(Mount.newBuilder()
				.setContainerPath(mount.containerPath())
				.setHostPath(mount.hostPath())
				.setReadonly(mount.readOnly()));
		}
		for (String entry : env) {
			int eq = entry.indexOf('=');
			b.addEnvs(KeyValue.newBuilder()
				.setKey(eq < 0 ? entry : entry.substring(0, eq))
				.setValue(com.google.protobuf.ByteString.copyFromUtf8(eq < 0 ? "" : entry.substring(eq + 1))));
		}
		return b.build();
	}

	/** Appends the hooks to {@code spec.hooks.<hookName>}. */
	void addHooks(ObjectNode spec) {
		if (hooks.isEmpty()) {
			return;
		}
		ObjectNode all = spec.has("hooks") ? (ObjectNode) spec.get("hooks") : spec.putObject("hooks");
		for (Hook hook : hooks) {
			ArrayNode point = all.has(hook.hookName()) ? (ArrayNode) all.get(hook.hookName()) : all.putArray(hook.hookName());
			ObjectNode h = point.addObject().put("path", hook.path());
			if (!hook.args().isEmpty()) {
				hook.args().forEach(h.putArray("args")::add);
			}
			if (!hook.env().isEmpty()) {
				hook.env().forEach(h.putArray("env")::add);
			}
			if (hook.timeout() != null) {
				h.put("timeout", hook.timeout());
			}
		}
	}

	private static <T> List<T> concat(List<T> a, List<T> b) {
		List<T> all = new ArrayList<>(a);
		all.addAll(b);
		return all;
	}

}
