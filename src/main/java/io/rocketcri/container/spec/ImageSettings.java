package io.rocketcri.container.spec;

import java.util.List;

/**
 * The parts of the image's config that shape the process: {@code User}, {@code Env},
 * {@code Entrypoint}, {@code Cmd}, {@code WorkingDir}, {@code StopSignal}, {@code Volumes}. Null
 * strings and lists are read as empty.
 */
public record ImageSettings(String user, List<String> env, List<String> entrypoint, List<String> cmd,
		String workingDir, String stopSignal, List<String> volumes) {

	public ImageSettings {
		user = user == null ? "" : user;
		env = env == null ? List.of() : List.copyOf(env);
		entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
		cmd = cmd == null ? List.of() : List.copyOf(cmd);
		workingDir = workingDir == null ? "" : workingDir;
		stopSignal = stopSignal == null ? "" : stopSignal;
		volumes = volumes == null ? List.of() : List.copyOf(volumes);
	}

	/** An image that says nothing: root, no environment, no command. */
	public static ImageSettings empty() {
		return new ImageSettings("", List.of(), List.of(), List.of(), "", "", List.of());
	}

}
