package io.rocketcri.network;

/**
 * Connects pods to the node's network and disconnects them again. One attachment per pod, keyed by
 * pod id; the network namespace exists before {@link #setUp} and is the caller's to create and
 * remove.
 *
 * <p>Lifecycle of one pod's attachment:
 * <pre>
 *   (none) --setUp--> ATTACHED --tearDown--> (none)
 *     ^  |                                      |
 *     |  +--setUp fails: undone before it throws |
 *     +--------------- tearDown again: no-op ----+
 * </pre>
 * <ul>
 * <li>{@link #setUp} on a pod that is already attached to the same namespace returns the existing
 * attachment; a failed setUp leaves nothing attached (it tears down what it did).</li>
 * <li>{@link #tearDown} is idempotent and works when nothing was set up, when the network
 * namespace is already gone, and after a runtime restart (what was attached is remembered on
 * disk). Run it before removing the namespace: some plugins clean up only inside it.</li>
 * <li>Operations on one pod id are serialized; different pods proceed in parallel.</li>
 * </ul>
 */
public interface PodNetwork {

	/** Attaches the pod's network namespace; the attachment's first IP is the pod IP (IPv4 first). */
	NetworkAttachment setUp(PodNetworkRequest request) throws NetworkException;

	/** Detaches the pod and releases its addresses and port mappings; safe to repeat. */
	void tearDown(PodNetworkRequest request) throws NetworkException;

	/** Whether pods can be attached now, and if not, why: answers the CRI NetworkReady condition. */
	NetworkStatus status();

	/**
	 * Pods whose attachment is remembered on disk (attached, or caught by a crash while being
	 * attached or detached). At boot, those the runtime no longer knows are torn down.
	 */
	default java.util.Set<String> attachedPodIds() throws NetworkException {
		return java.util.Set.of();
	}

}
