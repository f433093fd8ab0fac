package io.rocketcri.network;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.rocketcri.testsupport.ScriptedCommandRunner;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@link CniPodNetwork} against the contract, with one scripted plugin that hands out
 * addresses (no root needed); {@link CniPodNetworkHostTest} runs the real plugins.
 */
class CniPodNetworkContractTest extends PodNetworkContractTest {

	@TempDir
	Path dir;

	private CniPodNetwork network;

	@BeforeEach
	void setUp() throws Exception {
		Path configDir = Files.createDirectories(this.dir.resolve("net.d"));
		Path pluginDir = Files.createDirectories(this.dir.resolve("bin"));
		Files.setPosixFilePermissions(Files.createFile(pluginDir.resolve("ipam-only")),
				PosixFilePermissions.fromString("rwxr-xr-x"));
		Files.writeString(configDir.resolve("10.conflist"),
				"{\"cniVersion\":\"1.0.0\",\"name\":\"t\",\"plugins\":[{\"type\":\"ipam-only\"}]}");
		AtomicInteger next = new AtomicInteger(2);
		ScriptedCommandRunner runner = new ScriptedCommandRunner().on("ipam-only",
				c -> ScriptedCommandRunner.ok("ADD".equals(c.env().get("CNI_COMMAND"))
						? "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.22.0." + next.getAndIncrement() + "/24\"}]}"
						: ""));
		this.network = new CniPodNetwork(configDir, List.of(pluginDir), this.dir.resolve("cache"), runner,
				CniPodNetwork.Options.defaults().withLocalhostPortMappings(false));
	}

	@Override
	PodNetwork network() {
		return this.network;
	}

	@Override
	PodNetworkRequest pod(String name) {
		// /proc/self/ns/net passes the "is a network namespace" check without root.
		return new PodNetworkRequest("cni-" + name, name, "default", "uid", Path.of("/proc/self/ns/net"), List.of(),
				Map.of(), "");
	}

}
