package io.rocketcri.streaming;

import java.io.IOException;
import java.util.List;

import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerService;
import io.rocketcri.container.ContainerState;
import io.rocketcri.engine.StreamingProcess;
import io.rocketcri.failure.FailedPrecondition;
import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxService;
import io.rocketcri.pod.PodSandboxState;

/**
 * CRI Exec, Attach and PortForward: check the request, keep it under a single-use token and
 * answer the absolute URL where the client streams ({@code http://<address>:<port>/<kind>/<token>}).
 * Nothing runs until the client connects to {@link StreamingServer}.
 */
public class StreamingService {

	private final ContainerService containers;

	private final PodSandboxService pods;

	private final TokenCache tokens;

	private final StreamingServer server;

	StreamingService(ContainerService containers, PodSandboxService pods, TokenCache tokens, StreamingServer server) {
		this.containers = containers;
		this.pods = pods;
		this.tokens = tokens;
		this.server = server;
	}

	public String exec(String containerId, List<String> command, boolean tty, boolean stdin, boolean stdout,
			boolean stderr) {
		if (containerId == null || containerId.isBlank()) {
			throw new InvalidArgument("exec: container_id is empty");
		}
		if (command.isEmpty()) {
			throw new InvalidArgument("exec in container %s: cmd is empty".formatted(containerId));
		}
		checkStreams("exec in container " + containerId, tty, stdin, stdout, stderr);
		Container c = running(containerId, "exec in container");
		return url(new StreamRequest.Exec(c.id(), command, tty, stdin, stdout, stderr));
	}

	/**
	 * Starts {@code command} in a running container for a client inside this process (the web
	 * console's terminal): the engine exec the streaming server runs for kubelet, with stdin, and
	 * without a URL or token. The caller starts, feeds and finally closes the process.
	 */
	public StreamingProcess openExec(String containerId, List<String> command, boolean tty) throws IOException {
		if (command.isEmpty()) {
			throw new InvalidArgument("exec in container %s: cmd is empty".formatted(containerId));
		}
		Container c = running(containerId, "exec in container");
		return this.pods.engine(this.pods.get(c.podId())).exec(c.id(), command, tty, true);
	}

	public String attach(String containerId, boolean tty, boolean stdin, boolean stdout, boolean stderr) {
		if (containerId == null || containerId.isBlank()) {
			throw new InvalidArgument("attach: container_id is empty");
		}
		checkStreams("attaching to container " + containerId, tty, stdin, stdout, stderr);
		Container c = running(containerId, "attaching to container");
		return url(new StreamRequest.Attach(c.id(), tty, stdin, stdout, stderr));
	}

	public String portForward(String podId, List<Integer> ports) {
		if (podId == null || podId.isBlank()) {
			throw new InvalidArgument("port forward: pod_sandbox_id is empty");
		}
		for (int port : ports) {
			if (port < 1 || port > 65535) {
				throw new InvalidArgument("port forward to pod sandbox %s: port %d is not in 1-65535".formatted(podId, port));
			}
		}
		PodSandbox pod = this.pods.get(podId);
		if (pod.state() != PodSandboxState.READY) {
			throw new FailedPrecondition("port forward to pod sandbox %s: it is %s, not ready".formatted(pod.id(),
					pod.state().name().toLowerCase()));
		}
		return url(new StreamRequest.PortForward(pod.id(), ports));
	}

	/**
	 * kubelet's rules: at least one stream must be asked for (stdin alone is fine: a command fed
	 * from the client whose output nobody reads), and a terminal has no separate stderr (it merges
	 * both into one stream).
	 */
	private static void checkStreams(String action, boolean tty, boolean stdin, boolean stdout, boolean stderr) {
		if (!stdin && !stdout && !stderr) {
			throw new InvalidArgument(action + ": one of stdin, stdout and stderr must be requested");
		}
		if (tty && stderr) {
			throw new InvalidArgument(action + ": tty and stderr cannot both be requested (a terminal has no separate stderr)");
		}
	}

	private Container running(String containerId, String action) {
		Container c = this.containers.status(containerId);
		if (c.state() != ContainerState.RUNNING) {
			throw new FailedPrecondition("%s %s: it is %s, not running".formatted(action, c.id(),
					c.state().name().toLowerCase()));
		}
		return c;
	}

	private String url(StreamRequest request) {
		return this.server.baseUrl() + "/" + request.kind() + "/" + this.tokens.put(request);
	}

}
