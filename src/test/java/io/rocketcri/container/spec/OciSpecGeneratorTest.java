package io.rocketcri.container.spec;

import java.util.Map;

import io.rocketcri.config.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole document: its top level, annotations, and that it is plain JSON runc can read. */
class OciSpecGeneratorTest extends GeneratorTestSupport {

	@Test
	void topLevelSections() {
		ObjectNode spec = generate(nothing());

		assertThat(iterable(spec)).containsExactly("ociVersion", "process", "root", "hostname", "mounts", "annotations",
				"linux");
		assertThat(spec.path("ociVersion").asString()).isEqualTo("1.0.2");
		assertThat(spec.path("root").toString())
			.isEqualTo("{\"path\":\"" + this.rootfs + "\",\"readonly\":false}");
		assertThat(iterable(spec.path("process"))).containsExactly("terminal", "user", "args", "env", "cwd",
				"capabilities", "rlimits", "noNewPrivileges");
		assertThat(iterable(spec.path("linux"))).containsExactly("resources", "cgroupsPath", "namespaces", "devices",
				"maskedPaths", "readonlyPaths");
	}

	@Test
	void annotationsCarryTheCriOnesAndTheKubernetesIdentity() {
		JsonNode annotations = generate((c) -> c.putAnnotations("team", "web")
			.putAnnotations("io.kubernetes.cri.container-type", "forged")).path("annotations");

		assertThat(Json.MAPPER.convertValue(annotations, Map.class)).containsExactlyInAnyOrderEntriesOf(Map.of(
				"team", "web", "io.kubernetes.cri.container-type", "container", "io.kubernetes.cri.container-name", "app",
				"io.kubernetes.cri.sandbox-id", SpecFixtures.SANDBOX_ID, "io.kubernetes.cri.sandbox-name", "web",
				"io.kubernetes.cri.sandbox-namespace", "default", "io.kubernetes.cri.sandbox-uid", "pod-uid-1",
				"io.kubernetes.cri.image-name", "registry.local/app:1", "org.opencontainers.image.stopSignal", "SIGQUIT"));
	}

	@Test
	void imageNameFallsBackToTheResolvedReference() {
		JsonNode annotations = generate((c) -> c.getImageBuilder().clearUserSpecifiedImage()).path("annotations");

		assertThat(annotations.path("io.kubernetes.cri.image-name").asString()).isEqualTo("sha256:abcd");
	}

	@Test
	void theSpecRoundTripsThroughJsonUnchanged() throws Exception {
		ObjectNode spec = generate(security((sc) -> sc.setPrivileged(false)));

		JsonNode reread = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(spec));

		assertThat(reread.toString()).isEqualTo(spec.toString());
		assertThat(reread.path("process").path("user").path("umask").isIntegralNumber()).isTrue();
		assertThat(reread.path("process").path("user").path("umask").asInt()).isEqualTo(18);
	}

	private static java.util.List<String> iterable(JsonNode node) {
		return new java.util.ArrayList<>(node.propertyNames());
	}

}
