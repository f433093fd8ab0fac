package io.rocketcri.console.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerFilter;
import io.rocketcri.container.ContainerService;
import io.rocketcri.engine.PodEngine;
import io.rocketcri.failure.DeadlineExceeded;
import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.image.ImageService;
import io.rocketcri.pod.PodFilter;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxService;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/containers}: list (crictl ps's filters), inspect, stop, remove, exec. */
@RestController
@RequestMapping(path = "/api/v1/containers", produces = "application/json")
class ContainersController {

	/** ExecSync without a timeout would hold a request thread as long as the command runs. */
	static final long MAX_EXEC_SECONDS = 3600;

	static final int MAX_COMMAND_ARGS = 1024;

	private final ContainerService containers;

	private final PodSandboxService pods;

	private final ImageService images;

	ContainersController(ContainerService containers, PodSandboxService pods, ImageService images) {
		this.containers = containers;
		this.pods = pods;
		this.images = images;
	}

	record ContainerList(List<ContainerJson.ContainerItem> items) {
	}

	/** @param timeoutSeconds 0 or absent: the default of 60 seconds */
	record ExecRequest(List<String> command, Long timeoutSeconds) {
	}

	/** Output as UTF-8 text (invalid bytes become U+FFFD). */
	record ExecResult(int exitCode, String stdout, String stderr) {
	}

	/**
	 * @param name a regular expression found in the container's name
	 * @param namespace a regular expression found in its pod's namespace
	 * @param pod a pod id or id prefix
	 * @param state {@code created}, {@code running}, {@code exited} or {@code unknown}
	 * @param image part of the image name, or an image id prefix
	 */
	@GetMapping
	ContainerList list(@RequestParam(required = false) String id, @RequestParam(required = false) String name,
			@RequestParam(required = false) String namespace, @RequestParam(required = false) String pod,
			@RequestParam(required = false) String state, @RequestParam(required = false) String image,
			@RequestParam(required = false) String labelSelector, @RequestParam(required = false) Integer limit) {
		NamePattern names = NamePattern.compile("name", name);
		NamePattern namespaces = NamePattern.compile("namespace", namespace);
		LabelSelector labels = LabelSelector.parse("labelSelector", labelSelector);
		if (image != null && image.length() > 512) {
			throw new InvalidArgument("image: at most 512 characters");
		}
		ContainerFilter filter = new ContainerFilter(id == null ? null : ApiIds.objectId("id", id),
				ContainerJson.parseState("state", state), pod == null ? null : ApiIds.objectId("pod", pod), Map.of());
		Map<String, PodSandbox> podsById = pods.list(PodFilter.ALL).stream()
			.collect(Collectors.toMap(PodSandbox::id, Function.identity()));
		return new ContainerList(containers.list(filter)
			.stream()
			.filter(c -> names == null || names.find(c.name()))
			.filter(c -> namespaces == null || (podsById.containsKey(c.podId()) && namespaces.find(podsById.get(c.podId()).namespace())))
			.filter(c -> image == null || image.isEmpty() || c.imageName().contains(image) || c.imageId().replace("sha256:", "").startsWith(image.replace("sha256:", "")))
			.filter(c -> labels.matches(c.config().getLabelsMap()))
			.limit(PodsController.limit(limit))
			.map(c -> ContainerJson.item(c, podsById.get(c.podId()), images.byId(c.imageId()).orElse(null)))
			.toList());
	}

	@GetMapping("/{id}")
	ContainerJson.ContainerDetail get(@PathVariable String id) {
		Container c = containers.status(ApiIds.objectId("id", id));
		PodSandbox pod = pods.get(c.podId());
		return ContainerJson.detail(c, pod, images.byId(c.imageId()).orElse(null), pods.engine(pod).paths(c.id()));
	}

	/** Sends the stop signal, then SIGKILL after {@code timeoutSeconds} (default 10). */
	@PostMapping("/{id}/stop")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void stop(@PathVariable String id, @RequestParam(defaultValue = "10") long timeoutSeconds) {
		if (timeoutSeconds < 0 || timeoutSeconds > MAX_EXEC_SECONDS) {
			throw new InvalidArgument("timeoutSeconds: must be between 0 and %d, got %d".formatted(MAX_EXEC_SECONDS,
					timeoutSeconds));
		}
		containers.stop(containers.get(ApiIds.objectId("id", id)).id(), Duration.ofSeconds(timeoutSeconds));
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void remove(@PathVariable String id) {
		containers.remove(containers.get(ApiIds.objectId("id", id)).id());
	}

	/**
	 * Runs a command in the running container and returns its output (CRI ExecSync). A command that
	 * outlives {@code timeoutSeconds} is killed: 504 {@code deadline-exceeded}.
	 */
	@PostMapping(path = "/{id}/exec", consumes = "application/json")
	ExecResult exec(@PathVariable String id, @RequestBody ExecRequest request) {
		if (request.command() == null || request.command().isEmpty()) {
			throw new InvalidArgument("command: give the command and its arguments, e.g. [\"ls\", \"/\"]");
		}
		if (request.command().size() > MAX_COMMAND_ARGS || request.command().stream().anyMatch(a -> a == null)) {
			throw new InvalidArgument("command: at most %d arguments, none of them null".formatted(MAX_COMMAND_ARGS));
		}
		long seconds = request.timeoutSeconds() == null || request.timeoutSeconds() == 0 ? 60 : request.timeoutSeconds();
		if (seconds < 0 || seconds > MAX_EXEC_SECONDS) {
			throw new InvalidArgument("timeoutSeconds: must be between 0 and %d, got %d".formatted(MAX_EXEC_SECONDS, seconds));
		}
		String containerId = ApiIds.objectId("id", id);
		PodEngine.ExecOutput out = containers.execSync(containerId, request.command(), Duration.ofSeconds(seconds));
		if (out.timedOut()) {
			throw new DeadlineExceeded("exec in container %s: the command ran longer than %d seconds and was killed"
				.formatted(containerId, seconds));
		}
		return new ExecResult(out.exitCode(), new String(out.stdout(), StandardCharsets.UTF_8),
				new String(out.stderr(), StandardCharsets.UTF_8));
	}

}
