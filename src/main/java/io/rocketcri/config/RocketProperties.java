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
 * @param rkt the optional {@code rkt} runtime handler
 */
@ConfigurationProperties("rocket")
public record RocketProperties(Cri cri, @DefaultValue("/var/lib/rocket-cri") Path root,
		@DefaultValue("/run/rocket-cri") Path state, @DefaultValue("cgroupfs") String cgroupDriver, Image image,
		Network network, Cdi cdi, Rkt rkt) {

	public RocketProperties {
		cdi = cdi != null ? cdi : new Cdi(null);
		rkt = rkt != null ? rkt : new Rkt(null, null, null, null, false);
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

	/**
	 * The {@code rkt} runtime handler (docs/rkt.md). It is offered only when {@code path} answers
	 * {@code rkt version}; without it everything runs on runc as before.
	 *
	 * @param path the rkt binary; {@code rkt} is looked up on PATH
	 * @param dataDir rkt's own data directory ({@code --dir}): its image store and pods
	 * @param stage1Image the stage1 image file given to {@code app sandbox} ({@code --stage1-path});
	 * empty for the one rkt was built with
	 * @param readyTimeout how long RunPodSandbox waits for the sandbox to be ready
	 * @param noOverlay copy images into pods instead of overlay-mounting them ({@code app sandbox
	 * --no-overlay}): needed when the data directory is not on a shared mount
	 */
	public record Rkt(String path, Path dataDir, Path stage1Image, java.time.Duration readyTimeout, boolean noOverlay) {

		public Rkt {
			path = path != null && !path.isBlank() ? path : "rkt";
			dataDir = dataDir != null ? dataDir : Path.of("/var/lib/rocket-cri/rkt");
			readyTimeout = readyTimeout != null ? readyTimeout : java.time.Duration.ofSeconds(60);
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
