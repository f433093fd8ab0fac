package io.rocketcri.network;

import java.nio.file.Path;

/**
 * Whether the node can attach pods. Not ready means CRI {@code NetworkReady=false}: kubelet then
 * schedules only host-network pods here.
 *
 * @param ready true when a usable network configuration and all its plugins are present
 * @param reason a CamelCase code when not ready ({@link #CONFIG_MISSING}, {@link #PLUGIN_MISSING}); empty when ready
 * @param message what is wrong and where it was looked for, for operators; empty when ready
 * @param configFile the configuration in use or the one that is broken; null when there is none
 */
public record NetworkStatus(boolean ready, String reason, String message, Path configFile) {

	/** No usable CNI network configuration in the configuration directory. */
	public static final String CONFIG_MISSING = "CniConfigMissing";

	/** The configuration names a plugin that is in none of the plugin directories. */
	public static final String PLUGIN_MISSING = "CniPluginMissing";

	static NetworkStatus ready(Path configFile) {
		return new NetworkStatus(true, "", "", configFile);
	}

	static NetworkStatus notReady(String reason, String message, Path configFile) {
		return new NetworkStatus(false, reason, message, configFile);
	}

}
