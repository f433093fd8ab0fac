package io.rocketcri.streaming;

import java.util.ArrayList;
import java.util.List;

/** The subprotocol names of Kubernetes streaming and what each version adds. */
final class Protocols {

	/** SPDY remote command: v1 (error stream carries text), v2, v3 (+resize), v4 (+exit status JSON). */
	static final String V1 = "channel.k8s.io";

	static final String V2 = "v2.channel.k8s.io";

	static final String V3 = "v3.channel.k8s.io";

	static final String V4 = "v4.channel.k8s.io";

	/** v4 plus the close channel (255), WebSocket only. */
	static final String V5 = "v5.channel.k8s.io";

	static final String PORT_FORWARD = "portforward.k8s.io";

	/** SPDY carried in WebSocket binary messages (client-go's port-forward over WebSocket). */
	static final String SPDY_TUNNEL_PREFIX = "SPDY/3.1+";

	/** Ours, in order of preference. */
	static final List<String> SPDY_REMOTE_COMMAND = List.of(V4, V3, V2, V1);

	static final List<String> WEBSOCKET_REMOTE_COMMAND = List.of(V5, V4, V1);

	static final String HEADER_PROTOCOL_VERSION = "X-Stream-Protocol-Version";

	static final String HEADER_ACCEPTED_PROTOCOL_VERSIONS = "X-Accepted-Stream-Protocol-Versions";

	private Protocols() {
	}

	static boolean statusAsJson(String protocol) {
		return V4.equals(protocol) || V5.equals(protocol);
	}

	static boolean hasResize(String protocol) {
		return V3.equals(protocol) || statusAsJson(protocol);
	}

	/**
	 * The first protocol the client offers that the server speaks (Kubernetes negotiates in the
	 * client's order); null when none. Header values may list several, comma-separated.
	 */
	static String negotiate(List<String> clientHeaderValues, List<String> server) {
		List<String> offered = new ArrayList<>();
		for (String value : clientHeaderValues) {
			for (String part : value.split(",")) {
				if (!part.isBlank()) {
					offered.add(part.strip());
				}
			}
		}
		for (String protocol : offered) {
			if (server.contains(protocol)) {
				return protocol;
			}
		}
		return null;
	}

}
