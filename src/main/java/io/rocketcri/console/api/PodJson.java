package io.rocketcri.console.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.rocketcri.engine.PodEngine;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxState;

/** Pod sandboxes as the API shows them. */
final class PodJson {

	private PodJson() {
	}

	/** @param state {@code ready} or {@code notready} (a pod being created is not ready yet) */
	record PodItem(String id, String name, String namespace, String uid, int attempt, String state, String createdTime,
			String runtimeHandler, List<String> ips, Map<String, String> labels, Map<String, String> annotations) {
	}

	/**
	 * @param info what the host side holds for the pod (namespaces, infra process, cgroup, DNS,
	 * port mappings), as crictl inspectp's info
	 */
	record PodDetail(PodItem pod, boolean hostNetwork, boolean networkReady, String cgroupParent, String hostname,
			String logDirectory, List<ContainerJson.ContainerItem> containers, Map<String, Object> info) {
	}

	static PodItem item(PodSandbox pod) {
		var meta = pod.config().getMetadata();
		return new PodItem(pod.id(), meta.getName(), meta.getNamespace(), meta.getUid(), meta.getAttempt(), state(pod.state()),
				Times.rfc3339(pod.createdAt()), pod.runtimeHandler(), pod.ips(), pod.config().getLabelsMap(),
				pod.config().getAnnotationsMap());
	}

	static PodDetail detail(PodSandbox pod, PodEngine.PodResources r, List<ContainerJson.ContainerItem> containers) {
		Map<String, Object> info = new LinkedHashMap<>();
		info.put("state", pod.state().name());
		info.put("netns", r.netns() == null ? "host" : r.netns().toString());
		info.put("ipcns", r.ipcns() == null ? "host" : r.ipcns().toString());
		info.put("utsns", r.utsns() == null ? "host" : r.utsns().toString());
		info.put("infraId", r.infraId());
		info.put("infraPid", r.infraPid());
		info.put("resolvConf", r.resolvConf() == null ? null : r.resolvConf().toString());
		info.put("dns", Map.of("servers", pod.config().getDnsConfig().getServersList(), "searches",
				pod.config().getDnsConfig().getSearchesList(), "options", pod.config().getDnsConfig().getOptionsList()));
		info.put("portMappings", pod.config().getPortMappingsList().stream()
			.map(p -> Map.of("protocol", p.getProtocol().name(), "containerPort", p.getContainerPort(), "hostPort",
					p.getHostPort(), "hostIp", p.getHostIp()))
			.toList());
		return new PodDetail(item(pod), pod.hostNetwork(), pod.networkReady(), pod.cgroupParent(),
				pod.config().getHostname(), pod.config().getLogDirectory(), containers, info);
	}

	static String state(PodSandboxState s) {
		return s == PodSandboxState.READY ? "ready" : "notready";
	}

}
