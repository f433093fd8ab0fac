package io.rocketcri.config;

import java.nio.file.Path;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything an operator can set under {@code rocket.*}. The names listed in DESIGN.md
 * ({@code rocket.cri.socket}, {@code rocket.root}, {@code rocket.state},
 * {@code rocket.image.registries-config}, {@code rocket.network.*}) are a contract: operators'
 * config files and scripts use them.
 *
 * @param cri the CRI endpoint kubelet and crictl talk to
 * @param root data root: H2 database, blobs, layer snapshots, container layers
 * @param state state root: bundles, exit files, namespace pins, attach sockets (tmpfs)
 * @param cgroupDriver the cgroup driver reported to kubelet: {@code cgroupfs} or {@code systemd}
 * @param image image service settings
 * @param network CNI settings
 * @param cdi Container Device Interface settings
 */
@ConfigurationProperties("rocket")
public record RocketProperties(Cri cri, @DefaultValue("/var/lib/rocket-cri") Path root,
		@DefaultValue("/run/rocket-cri") Path state, @DefaultValue("cgroupfs") String cgroupDriver, Image image,
		Network network, Cdi cdi) {

	public RocketProperties {
		cdi = cdi != null ? cdi : new Cdi(null);
		cri = cri != null ? cri : new Cri(Cri.DEFAULT_SOCKET);
		image = image != null ? image : new Image(null, null, null);
		network = network != null ? network : new Network(null, null);
	}

	/**
	 * @param socket the CRI socket as a {@code unix://} URL (a bare path is accepted too)
	 */
	public record Cri(@DefaultValue(DEFAULT_SOCKET) String socket) {

		public static final String DEFAULT_SOCKET = "unix:///run/rocket-cri/rocket-cri.sock";

		/** The socket's file system path, whichever form the operator wrote. */
		public Path socketPath() {
			return Path.of(socket.startsWith("unix://") ? socket.substring("unix://".length()) : socket);
		}
	}

	/**
	 * @param registriesConfig containers-registries.conf(5) file with mirrors and insecure registries
	 * @param authFiles docker config.json files searched for registry credentials, in order
	 * @param maxConcurrentLayerDownloads layers fetched in parallel within one pull
	 */
	public record Image(Path registriesConfig,
			List<Path> authFiles,
			Integer maxConcurrentLayerDownloads) {

		public Image {
			registriesConfig = registriesConfig != null ? registriesConfig : Path.of("/etc/containers/registries.conf");
			authFiles = authFiles != null ? authFiles
					: List.of(Path.of("/var/lib/kubelet/config.json"), Path.of("/root/.docker/config.json"));
			maxConcurrentLayerDownloads = maxConcurrentLayerDownloads != null ? maxConcurrentLayerDownloads : 3;
		}
	}

	/**
	 * @param cniConfigDir where the CNI network configuration lists are read (first one wins)
	 * @param cniPluginDirs where CNI plugin binaries are looked up, in order
	 */
	public record Network(Path cniConfigDir,
			List<Path> cniPluginDirs) {

		public Network {
			cniConfigDir = cniConfigDir != null ? cniConfigDir : Path.of("/etc/cni/net.d");
			cniPluginDirs = cniPluginDirs != null ? cniPluginDirs : List.of(Path.of("/usr/lib/cni"), Path.of("/opt/cni/bin"));
		}
	}

	/**
	 * @param specDirs where CDI specs (*.json, *.yaml) are read, in rising priority: a device in a
	 * later directory overrides one of the same name in an earlier one
	 */
	public record Cdi(List<Path> specDirs) {

		public Cdi {
			specDirs = specDirs != null ? specDirs : List.of(Path.of("/etc/cdi"), Path.of("/var/run/cdi"));
		}
	}

	/** Where Localhost seccomp profiles are looked up (kubelet's seccomp root). */
	public Path seccompProfileRoot() {
		return Path.of("/var/lib/kubelet/seccomp");
	}

	/** Where the H2 database lives. */
	public Path databaseDir() {
		return root.resolve("db");
	}

}
