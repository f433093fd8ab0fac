package io.rocketcri.pod;

import java.nio.file.Path;
import java.util.List;

import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.failure.FailedPrecondition;

/**
 * A pod sandbox as the runtime knows it: the CRI config kubelet sent (kept whole: labels,
 * annotations, DNS, ports, security all come from it) and what the host side set up for it.
 * Immutable; a change is a new record through {@link #transition} or a with-method.
 *
 * @param createdAt nanoseconds since the epoch, as CRI reports times
 * @param namespaces pinned namespace files (null ones: host namespace)
 * @param infraId the infra container sharing its PID namespace, or null when the pod needs none
 * @param ips pod IPs from CNI, primary first; empty for host network
 */
public record PodSandbox(String id, String reservedName, PodSandboxState state, long createdAt, String runtimeHandler,
		PodSandboxConfig config, Path netns, Path ipcns, Path utsns, String infraId, Integer infraPid, List<String> ips,
		String cgroupParent, boolean networkReady) {

	public PodSandbox {
		ips = List.copyOf(ips);
	}

	public PodSandbox transition(PodSandboxState next) {
		if (!state.canBecome(next)) {
			throw new FailedPrecondition("pod sandbox %s is %s and cannot become %s".formatted(id, state, next));
		}
		return new PodSandbox(id, reservedName, next, createdAt, runtimeHandler, config, netns, ipcns, utsns, infraId,
				infraPid, ips, cgroupParent, networkReady);
	}

	public PodSandbox withNamespaces(Path net, Path ipc, Path uts) {
		return new PodSandbox(id, reservedName, state, createdAt, runtimeHandler, config, net, ipc, uts, infraId, infraPid,
				ips, cgroupParent, networkReady);
	}

	public PodSandbox withInfra(String infraId, Integer infraPid) {
		return new PodSandbox(id, reservedName, state, createdAt, runtimeHandler, config, netns, ipcns, utsns, infraId,
				infraPid, ips, cgroupParent, networkReady);
	}

	public PodSandbox withNetwork(List<String> ips, boolean networkReady) {
		return new PodSandbox(id, reservedName, state, createdAt, runtimeHandler, config, netns, ipcns, utsns, infraId,
				infraPid, ips, cgroupParent, networkReady);
	}

	public boolean hostNetwork() {
		return config.getLinux().getSecurityContext().getNamespaceOptions().getNetwork()
				== io.rocketcri.cri.api.NamespaceMode.NODE;
	}

	public String name() {
		return config.getMetadata().getName();
	}

	public String namespace() {
		return config.getMetadata().getNamespace();
	}

}
