package io.rocketcri.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.grpc.StatusRuntimeException;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.CreateContainerRequest;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.LinuxPodSandboxConfig;
import io.rocketcri.cri.api.LinuxSandboxSecurityContext;
import io.rocketcri.cri.api.ListPodSandboxRequest;
import io.rocketcri.cri.api.NamespaceMode;
import io.rocketcri.cri.api.NamespaceOption;
import io.rocketcri.cri.api.PodSandbox;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.cri.api.RemovePodSandboxRequest;
import io.rocketcri.cri.api.RunPodSandboxRequest;
import io.rocketcri.cri.api.RuntimeServiceGrpc;
import io.rocketcri.cri.api.StopPodSandboxRequest;
import io.rocketcri.testsupport.CriSocketClient;

/**
 * Pods and containers as kubelet asks for them, for the reliability tests: one cgroup parent per
 * test (so its cgroups can be found and removed), log files under the test's base directory.
 */
final class PodFixtures {

	private final Path logs;

	private final String cgroupParent;

	PodFixtures(Path logs, String cgroupParent) {
		this.logs = logs;
		this.cgroupParent = cgroupParent;
	}

	String cgroupParent() {
		return cgroupParent;
	}

	PodSandboxConfig pod(String name, boolean hostNetwork, boolean sharedPid) {
		NamespaceOption.Builder ns = NamespaceOption.newBuilder();
		if (hostNetwork) {
			ns.setNetwork(NamespaceMode.NODE);
		}
		if (sharedPid) {
			ns.setPid(NamespaceMode.POD);
		}
		return PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("rel").setUid(UUID.randomUUID().toString()))
			.setHostname(name)
			.setLogDirectory(logs.resolve(name).toString())
			.setLinux(LinuxPodSandboxConfig.newBuilder()
				.setCgroupParent(cgroupParent)
				.setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(ns)))
			.putLabels("test", "reliability")
			.build();
	}

	static CreateContainerRequest container(String podId, PodSandboxConfig pod, String name, String image,
			String... command) {
		return CreateContainerRequest.newBuilder()
			.setPodSandboxId(podId)
			.setSandboxConfig(pod)
			.setConfig(ContainerConfig.newBuilder()
				.setMetadata(ContainerMetadata.newBuilder().setName(name))
				.setImage(ImageSpec.newBuilder().setImage(image))
				.addAllCommand(List.of(command))
				.setLogPath(name + ".log"))
			.build();
	}

	static RuntimeServiceGrpc.RuntimeServiceBlockingStub rpc(CriSocketClient client) {
		return client.runtime().withDeadlineAfter(90, TimeUnit.SECONDS);
	}

	static String run(CriSocketClient client, PodSandboxConfig config) {
		return rpc(client).runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
	}

	/** Stops and removes every pod the runtime lists (and with them their containers). */
	static void removeAll(CriSocketClient client) {
		for (PodSandbox pod : rpc(client).listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
			rpc(client).stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod.getId()).build());
			rpc(client).removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod.getId()).build());
		}
	}

	/**
	 * After a test: what a crash of the test itself could leave that is ours (the cgroup parent,
	 * the namespace pin directory's bind mount, the bridge). Best effort, quiet.
	 */
	static void cleanHost(Path state, String cgroupParent, String bridge) {
		quietly("umount", "-l", state.resolve("ns").toString());
		if (bridge != null) {
			quietly("ip", "link", "del", bridge);
		}
		String relative = cgroupParent.startsWith("/") ? cgroupParent.substring(1) : cgroupParent;
		try (var controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
			for (Path controller : controllers.toList()) {
				Path dir = controller.resolve(relative);
				if (Files.isDirectory(dir)) {
					try (var children = Files.list(dir)) {
						for (Path child : children.filter(Files::isDirectory).toList()) {
							Files.deleteIfExists(child); // rmdir: only empty cgroups go
						}
					}
					catch (IOException ex) {
						// still has processes: leave it for a human to see
					}
					try {
						Files.deleteIfExists(dir);
					}
					catch (IOException ex) {
						// same
					}
				}
			}
		}
		catch (IOException ex) {
			// no cgroupfs
		}
	}

	/** Kills our own leftover processes (matched by our roots) after a failed test, so they do not outlive it. */
	static void killOurProcesses(HostInventory inventory, Set<Long> keep) {
		inventory.helpers().keySet().stream().filter(pid -> !keep.contains(pid))
			.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
	}

	private static void quietly(String... argv) {
		try {
			new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start().waitFor(10, TimeUnit.SECONDS);
		}
		catch (IOException | InterruptedException ex) {
			// best effort
		}
	}

	static boolean isUnavailable(StatusRuntimeException ex) {
		return ex.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE;
	}

}
