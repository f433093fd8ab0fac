package io.rocketcri.node;

/**
 * One of the conditions kubelet reads from Status. kubelet only requires RuntimeReady and
 * NetworkReady; reason and message say what to fix when one is false.
 */
public record RuntimeCondition(String type, boolean status, String reason, String message) {

	public static final String RUNTIME_READY = "RuntimeReady";

	public static final String NETWORK_READY = "NetworkReady";

}
