package io.rocketcri.engine.oci;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One container to create.
 *
 * @param id container id, also the OCI runtime's id: letters, digits, {@code _ . -}, at most 128
 * @param bundle directory holding {@code config.json} written by the caller; its root path is
 * resolved inside it. The monitor also keeps its control FIFOs and pid file here
 * @param logPath the CRI log file kubelet asked for (written in the CRI log format), or null for
 * no log; it must not contain {@code ':'} (conmon splits its log option there)
 * @param tty whether the process gets a terminal ({@code process.terminal} in config.json must
 * agree)
 * @param stdin whether the process keeps a stdin pipe that attach can write to
 * @param stdinOnce whether stdin closes after the first attach session ends
 * @param runtimeHandler the OCI runtime binary to use, e.g. {@code runc}; null means runc
 */
public record CreateRequest(String id, Path bundle, Path logPath, boolean tty, boolean stdin, boolean stdinOnce,
		String runtimeHandler) {

	public CreateRequest {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(bundle, "bundle");
		runtimeHandler = runtimeHandler == null || runtimeHandler.isBlank() ? "runc" : runtimeHandler;
	}

	/** A request without terminal and stdin, for the default runtime handler. */
	public static CreateRequest of(String id, Path bundle, Path logPath) {
		return new CreateRequest(id, bundle, logPath, false, false, false, "runc");
	}

}
