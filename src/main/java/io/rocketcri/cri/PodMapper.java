package io.rocketcri.cri;

import java.util.LinkedHashMap;
import java.util.Map;

import io.rocketcri.config.Json;
import io.rocketcri.cri.api.LinuxPodSandboxStatus;
import io.rocketcri.cri.api.Namespace;
import io.rocketcri.cri.api.PodIP;
import io.rocketcri.cri.api.PodSandbox;
import io.rocketcri.cri.api.PodSandboxFilter;
import io.rocketcri.cri.api.PodSandboxNetworkStatus;
import io.rocketcri.cri.api.PodSandboxState;
import io.rocketcri.cri.api.PodSandboxStatus;
import io.rocketcri.failure.Internal;
import io.rocketcri.pod.PodFilter;
import tools.jackson.core.JacksonException;

import org.springframework.stereotype.Component;

/** Pod sandboxes between the pod capability and their CRI messages. Pure functions. */
@Component
class PodMapper {

	PodSandbox toListItem(io.rocketcri.pod.PodSandbox pod) {
		return PodSandbox.newBuilder()
			.setId(pod.id())
			.setMetadata(pod.config().getMetadata())
			.setState(state(pod))
			.setCreatedAt(pod.createdAt())
			.putAllLabels(pod.config().getLabelsMap())
			.putAllAnnotations(pod.config().getAnnotationsMap())
			.setRuntimeHandler(pod.runtimeHandler())
			.build();
	}

	PodSandboxStatus toStatus(io.rocketcri.pod.PodSandbox pod) {
		PodSandboxNetworkStatus.Builder network = PodSandboxNetworkStatus.newBuilder();
		if (!pod.ips().isEmpty()) {
			network.setIp(pod.ips().getFirst());
			pod.ips().stream().skip(1).forEach(ip -> network.addAdditionalIps(PodIP.newBuilder().setIp(ip)));
		}
		return PodSandboxStatus.newBuilder()
			.setId(pod.id())
			.setMetadata(pod.config().getMetadata())
			.setState(state(pod))
			.setCreatedAt(pod.createdAt())
			.setNetwork(network)
			.setLinux(LinuxPodSandboxStatus.newBuilder()
				.setNamespaces(Namespace.newBuilder()
					.setOptions(pod.config().getLinux().getSecurityContext().getNamespaceOptions())))
			.putAllLabels(pod.config().getLabelsMap())
			.putAllAnnotations(pod.config().getAnnotationsMap())
			.setRuntimeHandler(pod.runtimeHandler())
			.build();
	}

	/** Verbose PodSandboxStatus: what the host side holds for the pod, as JSON for crictl inspectp. */
	Map<String, String> verboseInfo(io.rocketcri.pod.PodSandbox pod, io.rocketcri.engine.PodEngine.PodResources r) {
		Map<String, Object> info = new LinkedHashMap<>();
		info.put("state", pod.state().name());
		info.put("runtimeHandler", pod.runtimeHandler());
		info.put("netns", r.netns() == null ? "host" : r.netns().toString());
		info.put("ipcns", r.ipcns() == null ? "host" : r.ipcns().toString());
		info.put("utsns", r.utsns() == null ? "host" : r.utsns().toString());
		info.put("infraPid", pod.infraPid());
		info.put("ips", pod.ips());
		info.put("cgroupParent", pod.cgroupParent());
		info.put("resolvConf", String.valueOf(r.resolvConf()));
		info.put("portMappings", pod.config().getPortMappingsList().stream()
			.map(p -> Map.of("protocol", p.getProtocol().name(), "containerPort", p.getContainerPort(), "hostPort",
					p.getHostPort(), "hostIp", p.getHostIp()))
			.toList());
		try {
			return Map.of("info", Json.MAPPER.writeValueAsString(info));
		}
		catch (JacksonException ex) {
			throw new Internal("rendering verbose status of pod sandbox " + pod.id() + ": " + ex.getMessage(), ex);
		}
	}

	PodFilter filter(PodSandboxFilter f) {
		if (f == null || f.equals(PodSandboxFilter.getDefaultInstance())) {
			return PodFilter.ALL;
		}
		io.rocketcri.pod.PodSandboxState state = null;
		if (f.hasState()) {
			state = f.getState().getState() == PodSandboxState.SANDBOX_READY ? io.rocketcri.pod.PodSandboxState.READY
					: io.rocketcri.pod.PodSandboxState.NOTREADY;
		}
		return new PodFilter(f.getId(), state, f.getLabelSelectorMap());
	}

	static PodSandboxState state(io.rocketcri.pod.PodSandbox pod) {
		return pod.state() == io.rocketcri.pod.PodSandboxState.READY ? PodSandboxState.SANDBOX_READY
				: PodSandboxState.SANDBOX_NOTREADY;
	}


}
