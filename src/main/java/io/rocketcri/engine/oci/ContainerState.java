package io.rocketcri.engine.oci;

/**
 * The OCI runtime's view of a container ({@code runc state}).
 *
 * @param status {@code created}, {@code running}, {@code stopped} or {@code paused}
 * @param pid the init process on the host; 0 once stopped
 */
public record ContainerState(String status, int pid) {

	public static final String CREATED = "created";

	public static final String RUNNING = "running";

	public static final String STOPPED = "stopped";

	public static final String PAUSED = "paused";

	public boolean isRunning() {
		return RUNNING.equals(this.status);
	}

}
