package io.rocketcri.container;

/**
 * Where a container is in its life. Changed only through {@link Container#transition}.
 *
 * <pre>
 *   CREATING ──runc create──▶ CREATED ──start──▶ RUNNING ──process exits──▶ EXITED ──remove──▶ (row deleted)
 *      │                         │                                             ▲
 *      └── create failed ──▶ UNKNOWN (undo failed; kubelet's remove cleans up)  └── stop of a created one
 * </pre>
 *
 * kubelet sees CREATING and UNKNOWN as CONTAINER_UNKNOWN.
 */
public enum ContainerState {

	CREATING, CREATED, RUNNING, EXITED, UNKNOWN;

	boolean canBecome(ContainerState next) {
		return switch (this) {
			case CREATING -> next == CREATED || next == UNKNOWN;
			case CREATED -> next == RUNNING || next == EXITED || next == UNKNOWN;
			case RUNNING -> next == EXITED || next == UNKNOWN;
			case EXITED -> next == EXITED;
			case UNKNOWN -> next == EXITED || next == UNKNOWN;
		};
	}

}
