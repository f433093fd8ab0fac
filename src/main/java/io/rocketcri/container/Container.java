package io.rocketcri.container;

import java.nio.file.Path;
import java.util.List;

import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.failure.FailedPrecondition;

/**
 * A container as the runtime knows it: kubelet's CRI config, kept whole, and its life so far.
 * Times are nanoseconds since the epoch, zero when not yet reached.
 *
 * @param imageName the image as kubelet named it (reported as image, kept even if retagged)
 * @param chainIds the image layers under its root file system, bottom first: they stay while it exists
 * @param logPath absolute CRI log path (pod log directory + container log path), null for none
 */
public record Container(String id, String podId, String reservedName, ContainerState state, long createdAt,
		long startedAt, long finishedAt, int exitCode, String reason, String message, String imageId, String imageName,
		List<String> chainIds, ContainerConfig config, Path logPath, int pid) {

	public Container {
		chainIds = List.copyOf(chainIds);
	}

	public Container transition(ContainerState next) {
		if (!state.canBecome(next)) {
			throw new FailedPrecondition("container %s is %s and cannot become %s".formatted(id, state, next));
		}
		return new Container(id, podId, reservedName, next, createdAt, startedAt, finishedAt, exitCode, reason, message,
				imageId, imageName, chainIds, config, logPath, pid);
	}

	public Container created(int pid) {
		return new Container(id, podId, reservedName, ContainerState.CREATED, createdAt, startedAt, finishedAt, exitCode,
				reason, message, imageId, imageName, chainIds, config, logPath, pid);
	}

	public Container started(long at) {
		return new Container(id, podId, reservedName, ContainerState.RUNNING, createdAt, at, finishedAt, exitCode, reason,
				message, imageId, imageName, chainIds, config, logPath, pid);
	}

	/** Exited with {@code code}; reason as kubelet expects: Completed, Error or OOMKilled. */
	public Container exited(int code, long at, boolean oomKilled, String message) {
		String why = oomKilled ? "OOMKilled" : code == 0 ? "Completed" : "Error";
		long finished = Math.max(at, startedAt); // the exit file's mtime has coarser resolution than our clock
		return new Container(id, podId, reservedName, ContainerState.EXITED, createdAt, startedAt, finished, code, why,
				message == null ? "" : message, imageId, imageName, chainIds, config, logPath, pid);
	}

	public String name() {
		return config.getMetadata().getName();
	}

}
