package io.rocketcri.network;

import java.util.List;

/**
 * The pod's DNS settings ({@code PodSandboxConfig.dns_config}), handed to CNI plugins that
 * declare the {@code dns} capability.
 */
public record DnsConfig(List<String> servers, List<String> searches, List<String> options) {

	public DnsConfig {
		servers = servers == null ? List.of() : List.copyOf(servers);
		searches = searches == null ? List.of() : List.copyOf(searches);
		options = options == null ? List.of() : List.copyOf(options);
	}

	public boolean isEmpty() {
		return servers.isEmpty() && searches.isEmpty() && options.isEmpty();
	}

}
