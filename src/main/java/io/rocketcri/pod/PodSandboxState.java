package io.rocketcri.pod;

/**
 * Where a pod sandbox is in its life. Changed only through {@link PodSandbox#transition}.
 *
 * <pre>
 *   CREATING ──ready──▶ READY ──stop──▶ NOTREADY ──remove──▶ (row deleted)
 *      │                                    ▲
 *      └──────────── setup failed, undo ────┘   (kept visible so kubelet's Stop/Remove finish the job)
 * </pre>
 *
 * kubelet sees CREATING and NOTREADY as SANDBOX_NOTREADY.
 */
public enum PodSandboxState {

	CREATING, READY, NOTREADY;

	boolean canBecome(PodSandboxState next) {
		return switch (this) {
			case CREATING -> next == READY || next == NOTREADY;
			case READY -> next == NOTREADY;
			case NOTREADY -> next == NOTREADY;
		};
	}

}
