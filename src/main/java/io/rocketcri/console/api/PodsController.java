package io.rocketcri.console.api;

import java.util.List;
import java.util.Map;

import io.rocketcri.container.ContainerFilter;
import io.rocketcri.container.ContainerService;
import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.image.ImageService;
import io.rocketcri.pod.PodFilter;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxService;
import io.rocketcri.pod.PodSandboxState;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/pods}: list, inspect, stop and remove pod sandboxes (kubelet creates them over CRI). */
@RestController
@RequestMapping(path = "/api/v1/pods", produces = "application/json")
class PodsController {

	static final int MAX_LIMIT = 10_000;

	private final PodSandboxService pods;

	private final ContainerService containers;

	private final ImageService images;

	PodsController(PodSandboxService pods, ContainerService containers, ImageService images) {
		this.pods = pods;
		this.containers = containers;
		this.images = images;
	}

	record PodList(List<PodJson.PodItem> items) {
	}

	/**
	 * @param id an id or id prefix
	 * @param name a regular expression found in the pod's name
	 * @param namespace a regular expression found in the pod's namespace
	 * @param state {@code ready} or {@code notready}
	 * @param labelSelector {@code app=web,tier!=db}
	 * @param limit at most this many pods, oldest first
	 */
	@GetMapping
	PodList list(@RequestParam(required = false) String id, @RequestParam(required = false) String name,
			@RequestParam(required = false) String namespace, @RequestParam(required = false) String state,
			@RequestParam(required = false) String labelSelector, @RequestParam(required = false) Integer limit) {
		NamePattern names = NamePattern.compile("name", name);
		NamePattern namespaces = NamePattern.compile("namespace", namespace);
		LabelSelector labels = LabelSelector.parse("labelSelector", labelSelector);
		PodFilter filter = new PodFilter(id == null ? null : ApiIds.objectId("id", id), parseState("state", state), Map.of());
		return new PodList(pods.list(filter)
			.stream()
			.filter(p -> names == null || names.find(p.name()))
			.filter(p -> namespaces == null || namespaces.find(p.namespace()))
			.filter(p -> labels.matches(p.config().getLabelsMap()))
			.limit(limit(limit))
			.map(PodJson::item)
			.toList());
	}

	@GetMapping("/{id}")
	PodJson.PodDetail get(@PathVariable String id) {
		PodSandbox pod = pods.get(ApiIds.objectId("id", id));
		return PodJson.detail(pod, pods.resources(pod), containers.list(new ContainerFilter(null, null, pod.id(), Map.of()))
			.stream()
			.filter(c -> c.podId().equals(pod.id()))
			.map(c -> ContainerJson.item(c, pod, images.byId(c.imageId()).orElse(null)))
			.toList());
	}

	/** Stops the pod's containers and its network; the pod stays listed as notready until removed. */
	@PostMapping("/{id}/stop")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void stop(@PathVariable String id) {
		pods.stop(pods.resolveId(ApiIds.objectId("id", id)));
	}

	/** Stops if needed and removes the pod with its containers. */
	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void remove(@PathVariable String id) {
		pods.remove(pods.resolveId(ApiIds.objectId("id", id)));
	}

	static long limit(Integer limit) {
		if (limit == null) {
			return Long.MAX_VALUE;
		}
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new InvalidArgument("limit: must be between 1 and %d, got %d".formatted(MAX_LIMIT, limit));
		}
		return limit;
	}

	static PodSandboxState parseState(String parameter, String text) {
		if (text == null || text.isBlank()) {
			return null;
		}
		return switch (text.strip().toLowerCase(java.util.Locale.ROOT).replaceFirst("^sandbox_", "")) {
			case "ready" -> PodSandboxState.READY;
			case "notready" -> PodSandboxState.NOTREADY;
			default -> throw new InvalidArgument("%s: unknown pod state \"%s\"; one of ready, notready"
				.formatted(parameter, Problems.bounded(text)));
		};
	}

}
