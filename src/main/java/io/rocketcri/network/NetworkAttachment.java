package io.rocketcri.network;

import java.util.List;
import java.util.Optional;

/**
 * A pod's place on the network, as the CNI ADD result describes it.
 *
 * @param interfaceName the pod-side interface, {@code eth0}
 * @param ips the pod's addresses without prefix length, IPv4 before IPv6; the first is the pod IP
 * CRI reports, the others are its additional IPs
 * @param rawResult the final ADD result as JSON, in the network's CNI version
 */
public record NetworkAttachment(String interfaceName, List<String> ips, String rawResult) {

	public NetworkAttachment {
		ips = List.copyOf(ips);
	}

	/** The pod IP, if the network gave the pod any address. */
	public Optional<String> primaryIp() {
		return ips.isEmpty() ? Optional.empty() : Optional.of(ips.getFirst());
	}

}
