package io.rocketcri.engine.oci;

/**
 * A container the OCI runtime has created.
 *
 * @param pid the container's init process on the host (waiting in the runtime's init until start)
 * @param conmonPid the monitor process that owns the container's output and exit status
 */
public record CreatedContainer(int pid, int conmonPid) {
}
