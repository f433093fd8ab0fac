package io.rocketcri.engine.ns;

/**
 * One line of a user namespace's {@code uid_map} or {@code gid_map}: ids
 * {@code containerId … containerId+size-1} inside are {@code hostId …} on the host.
 */
public record IdMapping(long containerId, long hostId, long size) {

	/** The line the kernel reads from {@code /proc/<pid>/uid_map}. */
	String mapLine() {
		return containerId + " " + hostId + " " + size + "\n";
	}

}
