package io.rocketcri.engine.ns;

import java.nio.file.Path;

/**
 * The Linux namespaces a pod owns apart from its containers. The PID namespace is not here on
 * purpose: a pinned PID namespace without a process in it is useless, so pods that share one
 * need an infra process instead.
 */
public enum NamespaceType {

	/** Network: interfaces, addresses, routes, iptables, net.* sysctls. */
	NET("net"),

	/** System V IPC and POSIX message queues, with the kernel.shm*, kernel.msg*, kernel.sem and fs.mqueue.* sysctls. */
	IPC("ipc"),

	/** Host name and NIS domain name. */
	UTS("uts"),

	/**
	 * User and group ids (pods with {@code hostUsers: false}): created first, so the pod's other
	 * namespaces belong to it and the container's root has capabilities over them, not the host.
	 */
	USER("user");

	private final String kernelName;

	NamespaceType(String kernelName) {
		this.kernelName = kernelName;
	}

	/**
	 * The kernel's short name: the file under {@code /proc/<pid>/ns/}, the option of
	 * {@code unshare(1)} and {@code nsenter(1)} ({@code --net=…}), and the directory of the pins.
	 */
	public String kernelName() {
		return this.kernelName;
	}

	/** The {@code unshare}/{@code nsenter} option that names a namespace file, e.g. {@code --net=/run/…}. */
	public String option(Path file) {
		return "--" + this.kernelName + "=" + file;
	}

}
