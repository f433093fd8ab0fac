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

	public void register(DynamicPropertyRegistry registry) {
		registry.add("rocket.root", () -> root().toString());
		registry.add("rocket.state", () -> state().toString());
		registry.add("rocket.cri.socket", () -> "unix://" + socket());
		registry.add("rocket.image.registries-config", () -> registriesConf().toString());
		registry.add("rocket.network.cni-config-dir", () -> cniConfigDir().toString());
		registry.add("server.port", () -> "0");
	}

}
