package io.rocketcri.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Fresh data and state roots and a CRI socket under a temp directory, so that a test run never
 * touches /var/lib/rocket-cri or the node's real socket.
 */
public final class RuntimeUnderTest {

	private final Path base;

	public RuntimeUnderTest(String name) {
		try {
			this.base = Files.createTempDirectory("rocket-cri-" + name + "-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public Path root() {
		return base.resolve("root");
	}

	public Path state() {
		return base.resolve("state");
	}

	public Path socket() {
		return base.resolve("state/cri.sock");
	}

	public Path registriesConf() {
		return base.resolve("registries.conf");
	}

	public Path cniConfigDir() {
		return base.resolve("cni");
	}

	/** Lets the runtime pull from {@code address} over plain HTTP (the tests' docker-registry). */
	public void trustRegistry(String address) {
		write(registriesConf(), "[[registry]]\nlocation = \"%s\"\ninsecure = true\n".formatted(address));
	}

	/**
	 * A CNI bridge network on its own bridge and subnet (each test class picks unused ones, and
	 * deletes the bridge afterwards), with host-local IPAM under the data root, and optionally
	 * portmap for host ports.
	 */
	public void bridgeNetwork(String name, String bridge, String subnet, boolean portMappings) {
		String portmap = portMappings
				? ",\n   {\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true}, \"snat\": true}" : "";
		write(cniConfigDir().resolve("10-test.conflist"), """
				{"cniVersion": "1.0.0", "name": "%s",
				 "plugins": [
				   {"type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": true, "hairpinMode": true,
				    "ipam": {"type": "host-local", "ranges": [[{"subnet": "%s"}]],
				             "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "%s"}}%s
				 ]}""".formatted(name, bridge, subnet, root().resolve("ipam"), portmap));
	}

	private static void write(Path file, String content) {
		try {
			Files.createDirectories(file.getParent());
			Files.writeString(file, content);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public void register(DynamicPropertyRegistry registry) {
		registry.add("rocket.root", () -> root().toString());
		registry.add("rocket.state", () -> state().toString());
		registry.add("rocket.cri.socket", () -> "unix://" + socket());
		registry.add("rocket.image.registries-config", () -> registriesConf().toString());
		registry.add("rocket.network.cni-config-dir", () -> cniConfigDir().toString());
		registry.add("server.port", () -> "0");
	}

}
