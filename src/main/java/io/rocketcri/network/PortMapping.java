package io.rocketcri.network;

import java.util.Locale;
import java.util.Set;

/**
 * A port of the pod published on the node ({@code PodSandboxConfig.port_mappings}).
 *
 * @param protocol {@code tcp}, {@code udp} or {@code sctp} (case-insensitive; kept lower-case)
 * @param containerPort the port inside the pod
 * @param hostPort the node port; 0 means none (the mapping is informational only and is not set up)
 * @param hostIp the node address to listen on; empty for all
 */
public record PortMapping(String protocol, int containerPort, int hostPort, String hostIp) {

	private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "sctp");

	public PortMapping {
		protocol = protocol == null || protocol.isBlank() ? "tcp" : protocol.toLowerCase(Locale.ROOT);
		if (!PROTOCOLS.contains(protocol)) {
			throw new IllegalArgumentException("port mapping protocol must be tcp, udp or sctp, not " + protocol);
		}
		if (containerPort < 0 || containerPort > 65535 || hostPort < 0 || hostPort > 65535) {
			throw new IllegalArgumentException(
					"port mapping ports must be between 0 and 65535: " + hostPort + ":" + containerPort);
		}
		hostIp = hostIp == null ? "" : hostIp.strip();
	}

}
