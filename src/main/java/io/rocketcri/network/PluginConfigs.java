package io.rocketcri.network;

import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the configuration one plugin reads on stdin from its entry in the network list, as the CNI
 * spec derives it: the list's {@code name} and {@code cniVersion} injected, the previous plugin's
 * result as {@code prevResult}, and {@code runtimeConfig} holding exactly those capability
 * arguments the plugin declares in {@code capabilities} (with {@code true}); the
 * {@code capabilities} map itself is not passed on.
 */
final class PluginConfigs {

	private PluginConfigs() {
	}

	/**
	 * @param plugin the plugin's entry of the list (not changed)
	 * @param prevResult the previous result, or null for none
	 * @param capabilityArgs every capability argument the runtime offers for this pod, by capability name
	 */
	static ObjectNode forPlugin(JsonNode plugin, String networkName, String cniVersion, JsonNode prevResult,
			ObjectNode capabilityArgs) {
		ObjectNode config = ((ObjectNode) plugin).deepCopy();
		JsonNode capabilities = config.remove("capabilities");
		config.put("name", networkName);
		config.put("cniVersion", cniVersion);
		config.remove("prevResult");
		if (prevResult != null && prevResult.isObject()) {
			config.set("prevResult", prevResult);
		}
		ObjectNode runtimeConfig = JsonNodeFactory.instance.objectNode();
		if (capabilities != null && capabilities.isObject()) {
			for (Map.Entry<String, JsonNode> capability : capabilities.properties()) {
				JsonNode value = capabilityArgs.get(capability.getKey());
				if (capability.getValue().asBoolean(false) && value != null) {
					runtimeConfig.set(capability.getKey(), value);
				}
			}
		}
		if (!runtimeConfig.isEmpty()) {
			config.set("runtimeConfig", runtimeConfig);
		}
		return config;
	}

}
