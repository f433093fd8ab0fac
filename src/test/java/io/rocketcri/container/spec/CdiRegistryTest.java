package io.rocketcri.container.spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import io.rocketcri.config.Json;
import io.rocketcri.cri.api.CDIDevice;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.KeyValue;
import io.rocketcri.failure.InvalidArgument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CdiRegistryTest {

	@TempDir
	Path etc;

	@TempDir
	Path run;

	static final String GPU_JSON = """
			{"cdiVersion": "0.6.0", "kind": "vendor.example/gpu",
			 "containerEdits": {"env": ["GPU_DRIVER=1"]},
			 "devices": [
			   {"name": "0", "containerEdits": {
			      "deviceNodes": [{"path": "/dev/gpu0", "hostPath": "/dev/null", "permissions": "rw"}],
			      "mounts": [{"hostPath": "/opt/driver", "containerPath": "/usr/lib/driver", "options": ["ro", "nosuid", "bind"]}],
			      "hooks": [{"hookName": "createContainer", "path": "/usr/bin/gpu-hook", "args": ["gpu-hook", "0"], "timeout": 5}]}},
			   {"name": "1", "containerEdits": {"env": ["GPU=1"]}}]}
			""";

	CdiRegistry registry() {
		return new CdiRegistry(List.of(etc, run));
	}

	static ContainerConfig asking(String... names) {
		ContainerConfig.Builder b = ContainerConfig.newBuilder();
		for (String name : names) {
			b.addCDIDevices(CDIDevice.newBuilder().setName(name));
		}
		return b.build();
	}

	@Test
	void aDeviceBringsItsEditsAndTheSpecsCommonEditsOnce() throws Exception {
		Files.writeString(etc.resolve("gpu.json"), GPU_JSON);
		CdiEdits edits = registry().resolve(asking("vendor.example/gpu=0", "vendor.example/gpu=1"));
		assertThat(edits.env()).containsExactly("GPU_DRIVER=1", "GPU=1");

		ContainerConfig applied = edits.applyTo(asking("vendor.example/gpu=0").toBuilder()
			.addEnvs(KeyValue.newBuilder().setKey("A").setValue(com.google.protobuf.ByteString.copyFromUtf8("b")))
			.build());
		assertThat(applied.getCDIDevicesCount()).isZero();
		assertThat(applied.getDevices(0).getContainerPath()).isEqualTo("/dev/gpu0");
		assertThat(applied.getDevices(0).getHostPath()).isEqualTo("/dev/null");
		assertThat(applied.getDevices(0).getPermissions()).isEqualTo("rw");
		assertThat(applied.getMounts(0).getContainerPath()).isEqualTo("/usr/lib/driver");
		assertThat(applied.getMounts(0).getReadonly()).isTrue();
		assertThat(applied.getEnvsList()).extracting(KeyValue::getKey).containsExactly("A", "GPU_DRIVER", "GPU");

		ObjectNode spec = Json.MAPPER.createObjectNode();
		edits.addHooks(spec);
		assertThat(spec.at("/hooks/createContainer/0/path").asString()).isEqualTo("/usr/bin/gpu-hook");
		assertThat(spec.at("/hooks/createContainer/0/args/1").asString()).isEqualTo("0");
		assertThat(spec.at("/hooks/createContainer/0/timeout").asInt()).isEqualTo(5);
	}

	@Test
	void yamlSpecsAndKubeletsAnnotationsWork() throws Exception {
		Files.writeString(etc.resolve("nic.yaml"), """
				cdiVersion: "0.5.0"
				kind: net.example/nic
				devices:
				  - name: eth1
				    containerEdits:
				      env: ["NIC=eth1"]
				""");
		ContainerConfig config = ContainerConfig.newBuilder().putAnnotations("cdi.k8s.io/nic-plugin", "net.example/nic=eth1").build();
		assertThat(registry().resolve(config).env()).containsExactly("NIC=eth1");
	}

	@Test
	void aLaterDirectoryOverridesAnEarlierOne() throws Exception {
		Files.writeString(etc.resolve("gpu.json"), GPU_JSON);
		Files.writeString(run.resolve("gpu.json"), """
				{"cdiVersion": "0.6.0", "kind": "vendor.example/gpu",
				 "devices": [{"name": "1", "containerEdits": {"env": ["GPU=runtime"]}}]}""");
		assertThat(registry().resolve(asking("vendor.example/gpu=1")).env()).containsExactly("GPU=runtime");
		assertThat(registry().resolve(asking("vendor.example/gpu=0")).env()).as("device 0 only in /etc/cdi")
			.containsExactly("GPU_DRIVER=1");
	}

	@Test
	void aChangedFileIsReadAgainWithoutARestart() throws Exception {
		CdiRegistry registry = registry();
		Path file = etc.resolve("gpu.json");
		Files.writeString(file, GPU_JSON);
		assertThat(registry.resolve(asking("vendor.example/gpu=1")).env()).contains("GPU=1");
		Files.writeString(file, GPU_JSON.replace("\"GPU=1\"", "\"GPU=one\""));
		Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
		assertThat(registry.resolve(asking("vendor.example/gpu=1")).env()).contains("GPU=one");
	}

	@Test
	void unknownAndMalformedNamesAreInvalidArgumentsNamingTheField() throws Exception {
		Files.writeString(etc.resolve("gpu.json"), GPU_JSON);
		Files.writeString(etc.resolve("broken.json"), "{\"kind\": ");
		assertThatThrownBy(() -> registry().resolve(asking("vendor.example/gpu=0", "vendor.example/gpu=7")))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("CDI_devices[1].name")
			.hasMessageContaining("unknown CDI device vendor.example/gpu=7")
			.hasMessageContaining("broken.json");
		assertThatThrownBy(() -> registry().resolve(asking("gpu0")))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("not a fully qualified CDI device name");
	}

	@Test
	void specsWithBadHooksOrPathsAreSkipped() throws Exception {
		Files.writeString(etc.resolve("bad.json"), """
				{"cdiVersion": "0.6.0", "kind": "vendor.example/bad",
				 "devices": [{"name": "x", "containerEdits": {"hooks": [{"hookName": "whenever", "path": "/bin/true"}]}}]}""");
		assertThatThrownBy(() -> registry().resolve(asking("vendor.example/bad=x")))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("whenever");
	}

	@Test
	void noDevicesNoEdits() {
		assertThat(registry().resolve(ContainerConfig.getDefaultInstance()).isEmpty()).isTrue();
	}

}
