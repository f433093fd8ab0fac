package io.rocketcri.engine.oci;

import java.time.Instant;

/**
 * How a container's process ended, as its monitor recorded it.
 *
 * @param exitCode the exit code, or 128 + signal number when a signal killed it (137 for SIGKILL)
 * @param finishedAt when the monitor wrote the exit file (its modification time)
 * @param oomKilled whether the monitor saw the kernel's OOM killer act in the container's memory
 * cgroup
 */
public record ExitStatus(int exitCode, Instant finishedAt, boolean oomKilled) {
}
