package io.rocketcri.network;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * Reads a pod's addresses from a CNI result of version 0.3.0 to 1.x. Both list
 * {@code ips[]} with an {@code address} in CIDR form and an optional {@code interface} index into
 * {@code interfaces[]}; 0.3.x/0.4.0 add {@code version} ("4"/"6"), which the address makes
 * redundant. Addresses of other interfaces than the pod's (e.g. a plugin that reports the host
 * side) are skipped when the result says which interface an address belongs to.
 */
final class CniResults {

	private CniResults() {
	}

	static NetworkAttachment attachment(String ifName, JsonNode result) {
		int podInterface = podInterfaceIndex(ifName, result);
		List<String> v4 = new ArrayList<>();
		List<String> v6 = new ArrayList<>();
		for (JsonNode ip : result.path("ips")) {
			String address = ip.path("address").asString("");
			if (address.isEmpty()) {
				continue;
			}
			if (podInterface >= 0 && ip.has("interface") && ip.path("interface").asInt(-1) != podInterface) {
				continue;
			}
			String bare = address.contains("/") ? address.substring(0, address.indexOf('/')) : address;
			(bare.contains(":") ? v6 : v4).add(bare);
		}
		List<String> ips = new ArrayList<>(v4);
		ips.addAll(v6);
		return new NetworkAttachment(ifName, ips, result.toString());
	}

	/** Index of the pod's interface (the one with that name inside a sandbox), or -1 if not reported. */
	private static int podInterfaceIndex(String ifName, JsonNode result) {
		JsonNode interfaces = result.path("interfaces");
		for (int i = 0; i < interfaces.size(); i++) {
			JsonNode candidate = interfaces.get(i);
			if (ifName.equals(candidate.path("name").asString(""))
					&& !candidate.path("sandbox").asString("").isEmpty()) {
				return i;
			}
		}
		return -1;
	}

}
