package io.rocketcri.engine;

import java.io.IOException;

/**
 * The OCI runtime refused to create the container because of what the container asked for (a
 * command that is not in the image, a working directory that cannot be entered, a denied
 * permission): the caller's configuration, not a fault of the runtime or the host.
 */
public final class ContainerRefusedException extends IOException {

	public ContainerRefusedException(String message, Throwable cause) {
		super(message, cause);
	}

}
