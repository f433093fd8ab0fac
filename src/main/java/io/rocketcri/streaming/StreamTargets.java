package io.rocketcri.streaming;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerService;
import io.rocketcri.engine.StreamingProcess;
import io.rocketcri.failure.FailedPrecondition;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxService;

/**
 * What a session streams to, found when the client connects: the container's engine runs the
 * exec or attaches, the pod's engine dials the port. The container may have stopped since the
 * URL was handed out; that is a failure reported to the client.
 */
class StreamTargets {

	private final ContainerService containers;

	private final PodSandboxService pods;

	StreamTargets(ContainerService containers, PodSandboxService pods) {
		this.containers = containers;
		this.pods = pods;
	}

	StreamingProcess exec(StreamRequest.Exec request) throws IOException {
		Container c = running(request.containerId(), "exec in container");
		return this.pods.engine(this.pods.get(c.podId())).exec(c.id(), request.command(), request.tty(), request.stdin());
	}

	StreamingProcess attach(StreamRequest.Attach request) throws IOException {
		Container c = running(request.containerId(), "attaching to container");
		return this.pods.engine(this.pods.get(c.podId())).attach(c.id(), request.stdin());
	}

	SocketChannel dial(StreamRequest.PortForward request, int port) throws IOException {
		PodSandbox pod = this.pods.get(request.podId());
		return this.pods.engine(pod).dialPort(pod.id(), this.pods.resources(pod), port);
	}

	private Container running(String id, String action) {
		Container c = this.containers.status(id);
		if (c.state() != io.rocketcri.container.ContainerState.RUNNING) {
			throw new FailedPrecondition("%s %s: it is not running any more".formatted(action, id));
		}
		return c;
	}

}
