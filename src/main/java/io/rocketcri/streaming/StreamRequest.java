package io.rocketcri.streaming;

import java.util.List;

/** What a streaming URL stands for: the validated CRI request, kept under its token until used. */
sealed interface StreamRequest {

	/** The URL path segment: {@code exec}, {@code attach} or {@code portforward}. */
	String kind();

	/** CRI Exec: run {@code command} in a running container. */
	record Exec(String containerId, List<String> command, boolean tty, boolean stdin, boolean stdout, boolean stderr)
			implements StreamRequest {

		public Exec {
			command = List.copyOf(command);
		}

		@Override
		public String kind() {
			return "exec";
		}

	}

	/** CRI Attach: the running container's own stdio. */
	record Attach(String containerId, boolean tty, boolean stdin, boolean stdout, boolean stderr)
			implements StreamRequest {

		@Override
		public String kind() {
			return "attach";
		}

	}

	/** CRI PortForward: TCP connections into the pod's network namespace; the client names the ports. */
	record PortForward(String podId, List<Integer> ports) implements StreamRequest {

		public PortForward {
			ports = List.copyOf(ports);
		}

		@Override
		public String kind() {
			return "portforward";
		}

	}

}
