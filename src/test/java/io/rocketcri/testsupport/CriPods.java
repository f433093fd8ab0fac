package io.rocketcri.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

import io.rocketcri.config.Json;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.ContainerState;
import io.rocketcri.cri.api.ContainerStatus;
import io.rocketcri.cri.api.ContainerStatusRequest;
import io.rocketcri.cri.api.CreateContainerRequest;
import io.rocketcri.cri.api.ExecSyncRequest;
import io.rocketcri.cri.api.ExecSyncResponse;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.LinuxPodSandboxConfig;
import io.rocketcri.cri.api.LinuxSandboxSecurityContext;
import io.rocketcri.cri.api.NamespaceMode;
import io.rocketcri.cri.api.NamespaceOption;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.cri.api.RemovePodSandboxRequest;
import io.rocketcri.cri.api.RunPodSandboxRequest;
import io.rocketcri.cri.api.StartContainerRequest;
import io.rocketcri.cri.api.StopPodSandboxRequest;

/**
 * The CRI calls host tests make over and over, as kubelet makes them: pods on the host network
 * (no CNI needed), containers named after their log file, status, exec, waiting for an exit.
 */
public final class CriPods {

	private final CriSocketClient client;

	private final RuntimeUnderTest runtime;

	private final String namespace;

	/** @param namespace the Kubernetes namespace of every pod made here */
	public CriPods(CriSocketClient client, RuntimeUnderTest runtime, String namespace) {
		this.client = client;
		this.runtime = runtime;
		this.namespace = namespace;
	}

	/** A pod on the host's network, with a fresh uid and its log directory under the test root. */
	public PodSandboxConfig hostNetworkPod(String name) {
		return PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace(namespace).setUid(UUID.randomUUID().toString()))
			.setLogDirectory(runtime.root().resolve("logs/" + name).toString())
			.setLinux(LinuxPodSandboxConfig.newBuilder()
				.setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
					.setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE))))
			.build();
	}

	public String run(PodSandboxConfig pod) {
		return client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId();
	}

	/** StopPodSandbox then RemovePodSandbox, as kubelet tears a pod down. */
	public void remove(String podId) {
		client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
		client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
	}

	/**
	 * CreateContainer of {@code image} named {@code name}, logging to {@code <name>.log};
	 * {@code config} adds the rest (command, mounts, security context).
	 */
	public String create(String podId, PodSandboxConfig pod, String name, String image,
			UnaryOperator<ContainerConfig.Builder> config) {
		ContainerConfig.Builder base = ContainerConfig.newBuilder()
			.setMetadata(ContainerMetadata.newBuilder().setName(name))
			.setImage(ImageSpec.newBuilder().setImage(image))
			.setLogPath(name + ".log");
		return client.runtime()
			.createContainer(CreateContainerRequest.newBuilder()
				.setPodSandboxId(podId)
				.setSandboxConfig(pod)
				.setConfig(config.apply(base))
				.build())
			.getContainerId();
	}

	/** {@link #create} then StartContainer. */
	public String start(String podId, PodSandboxConfig pod, String name, String image,
			UnaryOperator<ContainerConfig.Builder> config) {
		String id = create(podId, pod, name, image, config);
		client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
		return id;
	}

	/** A container running {@code sleep 3600}. */
	public String sleeper(String podId, PodSandboxConfig pod, String name, String image,
			UnaryOperator<ContainerConfig.Builder> config) {
		return start(podId, pod, name, image, c -> config.apply(c.addAllCommand(List.of("sleep", "3600"))));
	}

	public ContainerStatus status(String id) {
		return client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
	}

	/** The container's init pid on the host, from the verbose status. */
	public int pid(String id) throws Exception {
		String info = client.runtime()
			.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).setVerbose(true).build())
			.getInfoOrThrow("info");
		return Json.MAPPER.readTree(info).path("pid").asInt();
	}

	public ExecSyncResponse exec(String id, String... cmd) {
		return client.runtime()
			.execSync(ExecSyncRequest.newBuilder().setContainerId(id).addAllCmd(List.of(cmd)).setTimeout(10).build());
	}

	/** The status once the container has exited; AssertionError when it has not within {@code limit}. */
	public ContainerStatus awaitExit(String id, Duration limit) throws InterruptedException {
		long deadline = System.nanoTime() + limit.toNanos();
		while (System.nanoTime() < deadline) {
			ContainerStatus s = status(id);
			if (s.getState() == ContainerState.CONTAINER_EXITED) {
				return s;
			}
			Thread.sleep(100);
		}
		throw new AssertionError("container " + id + " did not exit within " + limit.toSeconds() + "s");
	}

}
