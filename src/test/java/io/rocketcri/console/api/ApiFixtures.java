package io.rocketcri.console.api;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerState;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.KeyValue;
import io.rocketcri.cri.api.Mount;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.image.ImageRecord;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxState;

/** Domain objects for the controller tests. */
final class ApiFixtures {

	static final String POD_ID = "a".repeat(64);

	static final String CONTAINER_ID = "c".repeat(64);

	static final String IMAGE_ID = "sha256:" + "e".repeat(64);

	private ApiFixtures() {
	}

	static PodSandbox pod(String id, String name, String namespace, PodSandboxState state, Map<String, String> labels) {
		return new PodSandbox(id, name, state, 1_700_000_000_123_456_789L, "runc",
				PodSandboxConfig.newBuilder()
					.setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace(namespace).setUid("uid-" + name))
					.putAllLabels(labels)
					.build(),
				null, null, null, null, null, List.of("10.0.0.5"), "/kubepods", true);
	}

	static Container container(String id, String podId, String name, ContainerState state, Map<String, String> labels) {
		ContainerConfig config = ContainerConfig.newBuilder()
			.setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(1))
			.addCommand("sh")
			.addEnvs(KeyValue.newBuilder().setKey("DB_PASSWORD").setValue(com.google.protobuf.ByteString.copyFromUtf8("hunter2")))
			.addMounts(Mount.newBuilder().setHostPath("/srv/data").setContainerPath("/data").setReadonly(true))
			.putAllLabels(labels)
			.build();
		return new Container(id, podId, name, state, 1_700_000_000_000_000_000L, state == ContainerState.CREATED ? 0 : 1_700_000_001_000_000_000L,
				state == ContainerState.EXITED ? 1_700_000_002_000_000_000L : 0, state == ContainerState.EXITED ? 3 : 0,
				state == ContainerState.EXITED ? "Error" : "", "", IMAGE_ID, "registry.local/app:v1", List.of("sha256:l1"),
				config, Path.of("/var/log/pods/x/" + name + "/1.log"), 4242);
	}

	static ImageRecord image(String id, List<String> tags) {
		return new ImageRecord(id, "sha256:" + "d".repeat(64), "application/vnd.oci.image.manifest.v1+json", 1234, 0L, "",
				false, "127.0.0.1:5000", Instant.parse("2026-01-10T10:00:00Z"), tags,
				List.of("registry.local/app@sha256:" + "d".repeat(64)), List.of("sha256:l1"), List.of());
	}

}
