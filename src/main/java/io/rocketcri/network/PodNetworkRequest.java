package io.rocketcri.network;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@link PodNetwork} needs to know about a pod.
 *
 * @param podId the sandbox id; CNI's container id and the key of the attachment
 * @param podName the pod's Kubernetes name ({@code K8S_POD_NAME})
 * @param podNamespace the pod's Kubernetes namespace ({@code K8S_POD_NAMESPACE})
 * @param podUid the pod's Kubernetes UID ({@code K8S_POD_UID})
 * @param netns the file of the pod's network namespace; may be null or gone for tearDown
 * @param portMappings ports to publish; those with host port 0 are not set up
 * @param annotations pod annotations, passed to plugins declaring {@code io.kubernetes.cri.pod-annotations}
 * @param cgroupParent the pod's cgroup, passed to plugins declaring {@code cgroupPath}; may be empty
 * @param dns DNS settings, passed to plugins declaring {@code dns}; may be null
 */
public record PodNetworkRequest(String podId, String podName, String podNamespace, String podUid, Path netns,
		List<PortMapping> portMappings, Map<String, String> annotations, String cgroupParent, DnsConfig dns) {

	public PodNetworkRequest {
		podName = podName == null ? "" : podName;
		podNamespace = podNamespace == null ? "" : podNamespace;
		podUid = podUid == null ? "" : podUid;
		portMappings = portMappings == null ? List.of() : List.copyOf(portMappings);
		annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
		cgroupParent = cgroupParent == null ? "" : cgroupParent;
	}

	/** A request without DNS settings. */
	public PodNetworkRequest(String podId, String podName, String podNamespace, String podUid, Path netns,
			List<PortMapping> portMappings, Map<String, String> annotations, String cgroupParent) {
		this(podId, podName, podNamespace, podUid, netns, portMappings, annotations, cgroupParent, null);
	}

	/** The same pod with another namespace file (e.g. none, for a tear-down after it is gone). */
	public PodNetworkRequest withNetns(Path netns) {
		return new PodNetworkRequest(podId, podName, podNamespace, podUid, netns, portMappings, annotations,
				cgroupParent, dns);
	}

}
