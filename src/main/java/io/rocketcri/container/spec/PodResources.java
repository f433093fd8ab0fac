package io.rocketcri.container.spec;

import java.nio.file.Path;

/**
 * What the pod sandbox set up for its containers. Namespace paths are the pinned namespace files
 * the container joins; a null namespace means the host's.
 *
 * @param netns the pod's network namespace; null = host network
 * @param ipcns the pod's IPC namespace; null = host IPC
 * @param utsns the pod's UTS namespace; null = host UTS (then the spec sets no hostname)
 * @param infraPid the pid of the pod's infra process when the pod shares one PID namespace (its
 * {@code /proc/<pid>/ns/pid} is joined); null when the pod has none
 * @param hostsFile the pod's {@code /etc/hosts}, bind-mounted; null = none
 * @param hostnameFile the pod's {@code /etc/hostname}, bind-mounted; null = none
 * @param resolvConf the pod's {@code /etc/resolv.conf}, bind-mounted; null = none
 * @param shmPath the pod's {@code /dev/shm} directory, bind-mounted; null = a private tmpfs
 * @param cgroupParent the pod's cgroup ({@code linux.cgroup_parent} of the sandbox config), a
 * cgroupfs path such as {@code /kubepods/burstable/pod1234}; null or empty = {@code /rocket-cri}
 * @param hostname the hostname the container sees (spec {@code hostname} when it has its own UTS
 * namespace, and {@code HOSTNAME} in its environment); null = the sandbox config's hostname
 * @param userns the pod's pinned user namespace; null = the host's ids (the mappings come from
 * the sandbox config)
 */
public record PodResources(Path netns, Path ipcns, Path utsns, Integer infraPid, Path hostsFile, Path hostnameFile,
		Path resolvConf, Path shmPath, String cgroupParent, String hostname, Path userns) {

	/** Without a user namespace of its own. */
	public PodResources(Path netns, Path ipcns, Path utsns, Integer infraPid, Path hostsFile, Path hostnameFile,
			Path resolvConf, Path shmPath, String cgroupParent, String hostname) {
		this(netns, ipcns, utsns, infraPid, hostsFile, hostnameFile, resolvConf, shmPath, cgroupParent, hostname, null);
	}

	/** A pod on the host's namespaces with no files of its own (host network, host IPC, host UTS). */
	public static PodResources hostNamespaces(String cgroupParent) {
		return new PodResources(null, null, null, null, null, null, null, null, cgroupParent, null);
	}

}
