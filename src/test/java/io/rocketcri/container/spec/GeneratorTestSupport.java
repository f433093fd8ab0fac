package io.rocketcri.container.spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.LinuxContainerSecurityContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs the generator over {@link SpecFixtures}' pod, image and container with one change at a
 * time. The host holds every capability but CAP_SYS_RESOURCE, a 20000 open-files hard limit and
 * swap accounting; its /dev has null, zero, a GPU pair and a disk.
 */
abstract class GeneratorTestSupport {

	static final HostLimits HOST = new HostLimits(SpecFixtures.HOST_CAPS, 20000, true);

	@TempDir
	Path temp;

	Path rootfs;

	Path profiles;

	FakeDeviceNodes devices = new FakeDeviceNodes().device("/dev/null", "c", 1, 3)
		.device("/dev/zero", "c", 1, 5)
		.device("/dev/nvidia0", "c", 195, 0)
		.device("/dev/nvidiactl", "c", 195, 255)
		.device("/dev/sda", "b", 8, 0)
		.notADevice("/etc/motd")
		.directory("/dev/gpus", "/dev/nvidia0", "/dev/nvidiactl");

	@BeforeEach
	void rootfsAndProfiles() throws IOException {
		this.rootfs = SpecFixtures.rootfs(this.temp.resolve("rootfs"));
		this.profiles = java.nio.file.Files.createDirectories(this.temp.resolve("profiles"));
	}

	OciSpecGenerator generator(HostLimits host) {
		return new OciSpecGenerator(new SeccompProfiles(this.profiles), host, new UserResolver(), this.devices);
	}

	ObjectNode generate(Consumer<ContainerConfig.Builder> change) {
		return generate(change, SpecFixtures.image(), SpecFixtures.podResources());
	}

	ObjectNode generate(Consumer<ContainerConfig.Builder> change, ImageSettings image, PodResources pod) {
		return generate(change, image, pod, HOST);
	}

	ObjectNode generate(Consumer<ContainerConfig.Builder> change, ImageSettings image, PodResources pod,
			HostLimits host) {
		ContainerConfig.Builder config = SpecFixtures.container();
		change.accept(config);
		return generator(host).generate(SpecFixtures.input(config.build(), image, this.rootfs, pod));
	}

	/** A change to the container's security context. */
	static Consumer<ContainerConfig.Builder> security(Consumer<LinuxContainerSecurityContext.Builder> change) {
		return (c) -> change.accept(c.getLinuxBuilder().getSecurityContextBuilder());
	}

	static Consumer<ContainerConfig.Builder> nothing() {
		return (c) -> {
		};
	}

	static List<String> texts(JsonNode array) {
		return SpecFixtures.texts(array);
	}

}
