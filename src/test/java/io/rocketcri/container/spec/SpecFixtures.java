package io.rocketcri.container.spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.LinuxContainerConfig;
import io.rocketcri.cri.api.LinuxContainerSecurityContext;
import io.rocketcri.cri.api.NamespaceMode;
import io.rocketcri.cri.api.NamespaceOption;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import tools.jackson.databind.JsonNode;

/** Inputs for spec generation tests: a typical pod, container and image, each easy to vary. */
final class SpecFixtures {

	static final String CONTAINER_ID = "c0ffee0000000000000000000000000000000000000000000000000000000001";

	static final String SANDBOX_ID = "5a4db0c000000000000000000000000000000000000000000000000000000002";

	/** Every capability but CAP_SYS_RESOURCE, as on these hosts. */
	static final Set<String> HOST_CAPS = hostCaps();

	private SpecFixtures() {
	}

	/** A container as kubelet sends it for a plain pod: own PID namespace, no command. */
	static ContainerConfig.Builder container() {
		return ContainerConfig.newBuilder()
			.setMetadata(ContainerMetadata.newBuilder().setName("app").setAttempt(0))
			.setImage(ImageSpec.newBuilder().setImage("sha256:abcd").setUserSpecifiedImage("registry.local/app:1"))
			.setLinux(LinuxContainerConfig.newBuilder()
				.setSecurityContext(LinuxContainerSecurityContext.newBuilder()
					.setNamespaceOptions(NamespaceOption.newBuilder()
						.setNetwork(NamespaceMode.POD)
						.setPid(NamespaceMode.CONTAINER)
						.setIpc(NamespaceMode.POD))));
	}

	static PodSandboxConfig pod() {
		return PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder().setName("web").setNamespace("default").setUid("pod-uid-1"))
			.setHostname("web-0")
			.build();
	}

	static ImageSettings image() {
		return new ImageSettings("", List.of("PATH=/usr/bin:/bin", "LANG=C.UTF-8"), List.of("/entry"), List.of("serve"),
				"/app", "SIGQUIT", List.of());
	}

	/** A pod with its own network, IPC and UTS namespaces and the usual files. */
	static PodResources podResources() {
		return new PodResources(Path.of("/run/rocket-cri/netns/n1"), Path.of("/run/rocket-cri/ipcns/i1"),
				Path.of("/run/rocket-cri/utsns/u1"), null, Path.of("/run/rocket-cri/pods/p1/hosts"),
				Path.of("/run/rocket-cri/pods/p1/hostname"), Path.of("/run/rocket-cri/pods/p1/resolv.conf"),
				Path.of("/run/rocket-cri/pods/p1/shm"), "/kubepods/besteffort/podpod-uid-1", null);
	}

	static SpecInput input(ContainerConfig config, ImageSettings image, Path rootfs, PodResources pod) {
		return new SpecInput(CONTAINER_ID, SANDBOX_ID, config, pod(), image, rootfs, pod);
	}

	/** A rootfs with /etc/passwd and /etc/group holding root, app (1000) and nobody. */
	static Path rootfs(Path dir) throws IOException {
		Path etc = Files.createDirectories(dir.resolve("etc"));
		Files.writeString(etc.resolve("passwd"), """
				root:x:0:0:root:/root:/bin/sh
				daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
				app:x:1000:1000:App User:/home/app:/bin/sh
				nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
				""", StandardCharsets.UTF_8);
		Files.writeString(etc.resolve("group"), """
				root:x:0:
				daemon:x:1:
				tty:x:5:app
				users:x:100:app,other
				app:x:1000:
				video:x:44:root,app
				nogroup:x:65534:
				""", StandardCharsets.UTF_8);
		return dir;
	}

	static List<String> texts(JsonNode array) {
		List<String> out = new ArrayList<>();
		array.forEach((n) -> out.add(n.asString()));
		return out;
	}

	private static Set<String> hostCaps() {
		Set<String> caps = new java.util.LinkedHashSet<>(LinuxCapabilities.all());
		caps.remove("CAP_SYS_RESOURCE");
		return Set.copyOf(caps);
	}

}
