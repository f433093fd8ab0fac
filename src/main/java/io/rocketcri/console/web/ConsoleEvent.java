package io.rocketcri.console.web;

import io.rocketcri.container.ContainerEvent;
import io.rocketcri.pod.PodEvent;

/**
 * A pod or container change as the console lists it (events page, overview), or the notice that
 * the console's watch fell behind and every live table must be fetched again ({@code RESYNC}).
 *
 * @param kind "container", "pod" or "resync"
 * @param at nanoseconds since the epoch
 */
record ConsoleEvent(String kind, String type, String id, String name, String podName, String namespace,
		String message, long at) {

	static ConsoleEvent of(ContainerEvent e) {
		String name = e.podContainers()
			.stream()
			.filter(c -> c.id().equals(e.containerId()))
			.findFirst()
			.map(c -> c.name())
			.orElse("");
		String message = e.podContainers()
			.stream()
			.filter(c -> c.id().equals(e.containerId()) && e.type() == ContainerEvent.Type.STOPPED)
			.findFirst()
			.map(c -> "exit code " + c.exitCode() + (c.reason().isEmpty() ? "" : " (" + c.reason() + ")"))
			.orElse("");
		return new ConsoleEvent("container", e.type().name(), e.containerId(), name,
				e.pod() == null ? "" : e.pod().name(), e.pod() == null ? "" : e.pod().namespace(), message, e.createdAt());
	}

	static ConsoleEvent of(PodEvent e) {
		return new ConsoleEvent("pod", e.type().name(), e.pod().id(), e.pod().name(), e.pod().name(),
				e.pod().namespace(), e.message(), e.at());
	}

	static ConsoleEvent resync(long at) {
		return new ConsoleEvent("resync", "RESYNC", "", "", "", "", "events were lost; tables refreshed", at);
	}

	public String time() {
		return Formats.time(at);
	}

	public String shortId() {
		return Formats.shortId(id);
	}

	/** The console page of the object, or "" when it has none. */
	public String href() {
		return switch (kind) {
			case "container" -> type.equals("DELETED") ? "" : "/containers/" + id;
			case "pod" -> type.equals("REMOVED") ? "" : "/pods/" + id;
			default -> "";
		};
	}

}
