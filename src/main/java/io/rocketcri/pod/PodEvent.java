package io.rocketcri.pod;

/**
 * A pod sandbox lifecycle change, for watchers that show pods live (the console). CRI has no pod
 * events (GetContainerEvents is about containers), so this bus is ours alone.
 *
 * @param pod the pod as it was right after the change; for REMOVED the last state it had
 * @param message why a RunPodSandbox failed (CNI's answer, say); empty otherwise
 * @param at when it happened, nanoseconds since the epoch
 */
public record PodEvent(PodSandbox pod, Type type, String message, long at) {

	public enum Type {
		/** RunPodSandbox finished: the pod is READY. */
		READY,
		/** RunPodSandbox failed; the pod is gone again or kept NOTREADY (message says why). */
		FAILED,
		STOPPED,
		REMOVED
	}

}
