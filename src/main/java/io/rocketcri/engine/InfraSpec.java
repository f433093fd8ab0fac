package io.rocketcri.engine;

import java.nio.file.Path;

import io.rocketcri.config.Json;
import io.rocketcri.engine.PodEngine.PodPlan;
import io.rocketcri.engine.ns.NamespaceType;
import io.rocketcri.engine.ns.PinnedNamespaces;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OCI spec of a pod's infra process: catatonit in pause mode, PID 1 of the PID namespace the
 * pod's containers share, reaping their orphans. No capabilities, read-only root, nothing else.
 */
final class InfraSpec {

	private InfraSpec() {
	}

	/** One OCI id mapping; runc wants them even when it joins an existing user namespace. */
	static void mapping(ArrayNode array, io.rocketcri.engine.ns.IdMapping m) {
		array.addObject().put("containerID", m.containerId()).put("hostID", m.hostId()).put("size", m.size());
	}

	static ObjectNode build(Path rootfs, PodPlan plan, PinnedNamespaces pinned) {
		ObjectNode spec = Json.MAPPER.createObjectNode();
		spec.put("ociVersion", "1.0.2");
		ObjectNode process = spec.putObject("process");
		process.put("terminal", false);
		process.putObject("user").put("uid", 0).put("gid", 0);
		process.set("args", RuncPodEngine.array("/catatonit", "-P"));
		process.set("env", RuncPodEngine.array("PATH=/"));
		process.put("cwd", "/");
		ObjectNode caps = process.putObject("capabilities");
		for (String set : new String[] { "bounding", "effective", "permitted" }) {
			caps.putArray(set);
		}
		process.put("noNewPrivileges", true);
		spec.putObject("root").put("path", rootfs.toString()).put("readonly", true);
		if (pinned != null && pinned.path(NamespaceType.UTS).isPresent()) {
			spec.put("hostname", plan.hostname()); // runc refuses a hostname without a private UTS namespace
		}
		ArrayNode mounts = spec.putArray("mounts");
		mounts.addObject().put("destination", "/proc").put("type", "proc").put("source", "proc");
		mounts.addObject()
			.put("destination", "/dev")
			.put("type", "tmpfs")
			.put("source", "tmpfs")
			.set("options", RuncPodEngine.array("nosuid", "strictatime", "mode=755", "size=65536k"));
		ObjectNode linux = spec.putObject("linux");
		ArrayNode namespaces = linux.putArray("namespaces");
		namespaces.addObject().put("type", "pid");
		namespaces.addObject().put("type", "mount");
		if (pinned != null) {
			pinned.path(NamespaceType.NET).ifPresent(p -> namespaces.addObject().put("type", "network").put("path", p.toString()));
			pinned.path(NamespaceType.IPC).ifPresent(p -> namespaces.addObject().put("type", "ipc").put("path", p.toString()));
			pinned.path(NamespaceType.UTS).ifPresent(p -> namespaces.addObject().put("type", "uts").put("path", p.toString()));
			pinned.path(NamespaceType.USER).ifPresent(p -> {
				namespaces.addObject().put("type", "user").put("path", p.toString());
				mapping(linux.putArray("uidMappings"), plan.userns().uids());
				mapping(linux.putArray("gidMappings"), plan.userns().gids());
			});
		}
		String parent = plan.cgroupParent() == null || plan.cgroupParent().isBlank() ? "/rocket-cri" : plan.cgroupParent();
		linux.put("cgroupsPath", parent + "/" + plan.podId());
		linux.set("maskedPaths", RuncPodEngine.array("/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware"));
		linux.set("readonlyPaths", RuncPodEngine.array("/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus"));
		return spec;
	}

}
