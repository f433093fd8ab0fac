package io.rocketcri.store;

import org.slf4j.MDC;

/**
 * Puts the pod and container a call is about into the logging context, so that with JSON logs
 * ({@code logging.structured.format.console=ecs}) every line written while serving the call
 * carries {@code pod_id} and {@code container_id} fields an operator can filter on.
 */
public final class LogContext implements AutoCloseable {

	private final String previousPod;

	private final String previousContainer;

	private LogContext(String podId, String containerId) {
		this.previousPod = MDC.get("pod_id");
		this.previousContainer = MDC.get("container_id");
		put("pod_id", podId);
		put("container_id", containerId);
	}

	public static LogContext pod(String podId) {
		return new LogContext(podId, null);
	}

	public static LogContext container(String podId, String containerId) {
		return new LogContext(podId, containerId);
	}

	@Override
	public void close() {
		put("pod_id", previousPod);
		put("container_id", previousContainer);
	}

	private static void put(String key, String value) {
		if (value == null) {
			MDC.remove(key);
		}
		else {
			MDC.put(key, value);
		}
	}

}
