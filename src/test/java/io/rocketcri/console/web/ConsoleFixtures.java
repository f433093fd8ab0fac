package io.rocketcri.console.web;

import java.nio.file.Path;
import java.util.List;

import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerState;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.KeyValue;
import io.rocketcri.cri.api.LinuxContainerConfig;
import io.rocketcri.cri.api.LinuxContainerResources;
import io.rocketcri.cri.api.Mount;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxState;

/** Pods and containers as the services return them, for console tests without a runtime. */
final class ConsoleFixtures {

	static final long NOW = System.currentTimeMillis() * 1_000_000L;

	private ConsoleFixtures() {
	}

	static PodSandbox pod(String id, String name, String namespace, PodSandboxState state) {
		PodSandboxConfig config = PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace(namespace).setUid("uid-" + id))
			.putLabels("app", name)
			.build();
		return new PodSandbox(id, name + "_" + namespace, state, NOW - 60_000_000_000L, "runc", config,
				Path.of("/run/netns/" + id), null, null, null, null, List.of("10.232.41.2"), "", state == PodSandboxState.READY);
	}

	static Container container(String id, PodSandbox pod, String name, ContainerState state, int exitCode,
			String reason) {
		ContainerConfig config = ContainerConfig.newBuilder()
			.setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(1))
			.addEnvs(KeyValue.newBuilder().setKey("DB_PASSWORD").setValue(com.google.protobuf.ByteString.copyFromUtf8("s3cret")))
			.addMounts(Mount.newBuilder().setContainerPath("/data").setHostPath("/srv/data"))
			.setLinux(LinuxContainerConfig.newBuilder()
				.setResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64_000_000)))
			.putLabels("tier", "web")
			.build();
		return new Container(id, pod.id(), name, state, NOW - 30_000_000_000L, NOW - 29_000_000_000L,
				state == ContainerState.EXITED ? NOW : 0, exitCode, reason, "", "sha256:" + "ab".repeat(32),
				"registry.test/busybox:v1", List.of(), config, Path.of("/var/log/pods/" + name + ".log"), 42);
	}

}
