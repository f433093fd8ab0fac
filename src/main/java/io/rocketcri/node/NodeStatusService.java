package io.rocketcri.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.rocketcri.config.RocketProperties;
import io.rocketcri.engine.ExecutableLocator;
import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.engine.HostProbe;
import io.rocketcri.network.CniConfigLocator;
import io.rocketcri.node.doctor.Finding;
import io.rocketcri.node.doctor.NodeDoctor;
import io.rocketcri.network.NetworkStatus;
import io.rocketcri.network.PodNetwork;

import org.springframework.stereotype.Service;

/**
 * What the node's runtime is and whether it can run pods: Version, Status and RuntimeConfig
 * answers, and the pod CIDR kubelet hands over.
 */
@Service
public class NodeStatusService {

	public static final String RUNTIME_NAME = "rocket-cri";

	public static final String RUNTIME_API_VERSION = "v1";

	private final RocketProperties properties;

	private final RuntimeSettings settings;

	private final ExecutableLocator executables;

	private final CniConfigLocator cniConfig;

	private final PodNetwork network;

	private final NodeDoctor doctor;

	NodeStatusService(RocketProperties properties, RuntimeSettings settings, PodNetwork network, HostProbe probe,
			org.springframework.core.env.Environment env) {
		this.properties = properties;
		this.settings = settings;
		this.network = network;
		this.doctor = new NodeDoctor(properties, probe, network, env.getProperty("server.address", "127.0.0.1"),
				env.getProperty("server.port", Integer.class, 8780));
		this.executables = new ExecutableLocator(List.of());
		this.cniConfig = new CniConfigLocator(properties.network().cniConfigDir());
		this.recursiveReadOnlyMounts = probe.kernelAtLeast(5, 12);
		this.userNamespaces = probe.kernelAtLeast(5, 19);
	}

	private final boolean recursiveReadOnlyMounts;

	private final boolean userNamespaces;

	/**
	 * Whether pods may have their own user namespace: their layers are id-mapped mounts under
	 * overlayfs, which Linux accepts since 5.19.
	 */
	public boolean userNamespaces() {
		return userNamespaces;
	}

	/**
	 * Whether {@code recursive_read_only} mounts work here: they need mount_setattr(2), Linux
	 * 5.12+ (the engine stages them itself, so runc's version does not matter).
	 */
	public boolean recursiveReadOnlyMounts() {
		return recursiveReadOnlyMounts;
	}

	public String runtimeVersion() {
		String version = NodeStatusService.class.getPackage().getImplementationVersion();
		return version != null ? version : "0.1.0-dev";
	}

	public List<RuntimeCondition> conditions() {
		return List.of(runtimeReady(), networkReady());
	}

	RuntimeCondition runtimeReady() {
		List<String> missing = new ArrayList<>();
		for (String tool : List.of("runc", "conmon")) {
			if (executables.find(tool).isEmpty()) {
				missing.add(tool);
			}
		}
		if (!missing.isEmpty()) {
			return new RuntimeCondition(RuntimeCondition.RUNTIME_READY, false, "RuntimeBinariesMissing",
					"cannot find " + String.join(" and ", missing) + " in " + executables.searchPath()
							+ "; install Debian's runc and conmon packages");
		}
		Path state = properties.state();
		if (Files.exists(state) && !Files.isWritable(state)) {
			return new RuntimeCondition(RuntimeCondition.RUNTIME_READY, false, "StateRootNotWritable",
					"state root " + state + " is not writable");
		}
		return new RuntimeCondition(RuntimeCondition.RUNTIME_READY, true, "", "");
	}

	RuntimeCondition networkReady() {
		NetworkStatus status = network.status();
		if (status.ready()) {
			return new RuntimeCondition(RuntimeCondition.NETWORK_READY, true, "", "");
		}
		// kubelet shows this reason on the node; the message says what to fix
		return new RuntimeCondition(RuntimeCondition.NETWORK_READY, false, "NetworkPluginNotReady",
				"Network plugin returns error: cni plugin not initialized: " + status.message());
	}

	public String cgroupDriver() {
		return properties.cgroupDriver();
	}

	public Optional<String> podCidr() {
		return settings.get(RuntimeSettings.POD_CIDR);
	}

	public void updatePodCidr(String cidr) {
		if (cidr == null || cidr.isBlank()) {
			return; // kubelet sends an empty config when nothing changed
		}
		for (String one : cidr.split(",")) {
			if (!one.strip().matches("[0-9a-fA-F:.]+/\\d{1,3}")) {
				throw new InvalidArgument("runtime_config.network_config.pod_cidr: not a CIDR: " + cidr);
			}
		}
		settings.put(RuntimeSettings.POD_CIDR, cidr.strip());
	}

	/** The preflight findings, as {@code java -jar rocket-cri.jar doctor} prints them. */
	public List<Finding> doctor() {
		return doctor.examine(true);
	}

	/** The effective configuration, shown in verbose Status as JSON for operators and crictl info. */
	public Map<String, Object> effectiveConfig() {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("criSocket", properties.cri().socket());
		config.put("root", properties.root().toString());
		config.put("state", properties.state().toString());
		config.put("cgroupDriver", properties.cgroupDriver());
		config.put("registriesConfig", properties.image().registriesConfig().toString());
		config.put("cniConfigDir", properties.network().cniConfigDir().toString());
		config.put("cniPluginDirs", properties.network().cniPluginDirs().stream().map(Path::toString).toList());
		config.put("podCidr", podCidr().orElse(""));
		config.put("runc", executables.find("runc").map(Path::toString).orElse("not found"));
		config.put("conmon", executables.find("conmon").map(Path::toString).orElse("not found"));
		config.put("cniNetwork", switch (cniConfig.lookup()) {
			case CniConfigLocator.Present p -> p.config().file().toString();
			case CniConfigLocator.Missing m -> m.reason();
		});
		return config;
	}

}
