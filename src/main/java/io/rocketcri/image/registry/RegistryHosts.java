package io.rocketcri.image.registry;

import java.util.Locale;

/**
 * The several spellings of one registry host. Docker Hub alone has four: the name users write
 * ({@code docker.io}), its API host ({@code registry-1.docker.io}), and the legacy names that
 * docker config.json files and kubelet's {@code server_address} still use
 * ({@code index.docker.io}, {@code https://index.docker.io/v1/}).
 */
final class RegistryHosts {

	static final String DOCKER_HUB = "docker.io";

	/** Where Docker Hub's distribution API actually lives. */
	static final String DOCKER_HUB_API = "registry-1.docker.io";

	private RegistryHosts() {
	}

	/** The host to send API requests to for a domain as written in a reference. */
	static String apiHost(String domain) {
		return DOCKER_HUB.equals(domain) ? DOCKER_HUB_API : domain;
	}

	/**
	 * One key per registry, for matching credentials: drops the scheme and any path, lowercases,
	 * and folds Docker Hub's aliases into {@code docker.io}.
	 */
	static String canonical(String address) {
		if (address == null) {
			return "";
		}
		String host = address.strip();
		int scheme = host.indexOf("://");
		if (scheme >= 0) {
			host = host.substring(scheme + 3);
		}
		int slash = host.indexOf('/');
		if (slash >= 0) {
			host = host.substring(0, slash);
		}
		host = host.toLowerCase(Locale.ROOT);
		return switch (host) {
			case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> DOCKER_HUB;
			default -> host;
		};
	}

}
