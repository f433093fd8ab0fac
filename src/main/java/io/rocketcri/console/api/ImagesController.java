package io.rocketcri.console.api;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.rocketcri.failure.RuntimeFailure;
import io.rocketcri.image.ImagePruner;
import io.rocketcri.image.ImageRecord;
import io.rocketcri.image.ImageService;
import io.rocketcri.image.PullProgress;
import io.rocketcri.image.registry.RegistryCredentials;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** {@code /api/v1/images}: list, inspect, pull with NDJSON progress, remove, prune. */
@RestController
@RequestMapping(path = "/api/v1/images", produces = "application/json")
class ImagesController {

	private final ImageService images;

	private final ImagePruner pruner;

	private final JsonMapper json;

	ImagesController(ImageService images, ImagePruner pruner, JsonMapper json) {
		this.images = images;
		this.pruner = pruner;
		this.json = json;
	}

	record ImageList(List<ImageJson.ImageItem> items) {
	}

	/** Registry credentials for one pull, as CRI's AuthConfig; never logged or stored. */
	record PullAuth(String username, String password, String auth, String serverAddress, String identityToken,
			String registryToken) {

		@Override
		public String toString() {
			return "PullAuth[username=" + username + ", ...]";
		}

	}

	record PullRequest(String image, PullAuth auth) {
	}

	record PrunePreview(List<ImageJson.ImageItem> images, long reclaimableBytes) {
	}

	record PruneResult(List<ImageJson.ImageItem> removed, long reclaimedBytes) {
	}

	/**
	 * @param reference a name, tag, repo digest or id: the image it names (as crictl images NAME)
	 * @param dangling true: only images without a tag; false: only tagged ones
	 */
	@GetMapping
	ImageList list(@RequestParam(required = false) String reference, @RequestParam(required = false) Boolean dangling) {
		if (reference != null && reference.length() > 4096) {
			throw new io.rocketcri.failure.InvalidArgument("reference: at most 4096 characters");
		}
		return new ImageList(images.list(reference)
			.stream()
			.filter(i -> dangling == null || dangling == i.repoTags().isEmpty())
			.map(ImageJson::item)
			.toList());
	}

	@GetMapping("/{id}")
	ImageJson.ImageDetail get(@PathVariable String id) {
		return ImageJson.detail(images.details(images.get(ApiIds.imageId("id", id))));
	}

	/**
	 * Pulls an image, answering one JSON object per line as it goes: {@code resolved} (the
	 * layers), per layer {@code waiting}/{@code downloading}/{@code extracting}/{@code done}/{@code exists}
	 * with byte counts, {@code joined} or {@code present}, and last {@code done} with the image id,
	 * or {@code error} with the problem. A bad reference is a 400 before any line; a failure after
	 * the first line can only be that last line (the status is already 200), as with Docker and
	 * Podman.
	 */
	@PostMapping(path = "/pull", consumes = "application/json", produces = { "application/x-ndjson", "application/json" })
	ResponseEntity<StreamingResponseBody> pull(@RequestBody PullRequest request, HttpServletRequest http,
			jakarta.servlet.http.HttpServletResponse response) {
		ImageService.PendingPull pull = images.prepare(request.image(), "image", credentials(request.auth()));
		String instance = http.getRequestURI();
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_NDJSON)
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.header("X-Accel-Buffering", "no")
			.body(FlushingBody.of(response, out -> {
				ProgressLines lines = new ProgressLines(out, json);
				try {
					ImageRecord image = pull.run(event -> lines.progress(event));
					Map<String, Object> done = new LinkedHashMap<>();
					done.put("status", "done");
					done.put("reference", pull.reference());
					done.put("imageId", image.id());
					done.put("repoDigests", image.repoDigests());
					done.put("size", image.size());
					lines.write(done);
				}
				catch (RuntimeFailure failure) {
					var problem = Problems.of(ProblemCode.of(failure), failure.getMessage(), instance);
					lines.write(ordered("status", "error", "error", Problems.fields(problem)));
				}
			}));
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void remove(@PathVariable String id) {
		images.remove(images.get(ApiIds.imageId("id", id)).id());
	}

	/** What {@code POST /prune} would remove now: images no container uses and nobody pinned. */
	@GetMapping("/prune")
	PrunePreview prunePreview() {
		ImagePruner.PrunePlan plan = pruner.preview();
		return new PrunePreview(plan.images().stream().map(ImageJson::item).toList(), plan.reclaimableBytes());
	}

	@PostMapping("/prune")
	PruneResult prune() {
		ImagePruner.PruneResult result = pruner.prune();
		return new PruneResult(result.removed().stream().map(ImageJson::item).toList(), result.reclaimedBytes());
	}

	/** A JSON object whose fields come out in this order ({@code status} first: clients switch on it). */
	private static Map<String, Object> ordered(Object... keysAndValues) {
		Map<String, Object> out = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			out.put((String) keysAndValues[i], keysAndValues[i + 1]);
		}
		return out;
	}

	private static RegistryCredentials credentials(PullAuth a) {
		return a == null ? RegistryCredentials.NONE
				: new RegistryCredentials(a.username(), a.password(), a.auth(), a.serverAddress(), a.identityToken(),
						a.registryToken());
	}

	/** NDJSON progress lines; the pull's layer threads write concurrently, one line at a time. */
	private static final class ProgressLines {

		private final OutputStream out;

		private final JsonMapper json;

		ProgressLines(OutputStream out, JsonMapper json) {
			this.out = out;
			this.json = json;
		}

		void progress(PullProgress event) {
			try {
				write(switch (event) {
					case PullProgress.Resolved r -> ordered("status", "resolved", "reference", r.reference(),
							"manifestDigest", r.manifestDigest(), "layers", r.layers().stream().map(ProgressLines::layer).toList());
					case PullProgress.Layer l -> layer(l);
					case PullProgress.Joined j -> ordered("status", "joined", "reference", j.reference());
					case PullProgress.AlreadyPresent p -> ordered("status", "present", "reference", p.reference(),
							"imageId", p.imageId());
				});
			}
			catch (IOException ex) {
				// the client went away; the pull goes on (kubelet may want the image anyway)
				throw new java.io.UncheckedIOException(ex);
			}
		}

		private static Map<String, Object> layer(PullProgress.Layer l) {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("status", l.status().name().toLowerCase(java.util.Locale.ROOT));
			m.put("layer", l.digest());
			m.put("current", l.current());
			m.put("total", l.total());
			return m;
		}

		synchronized void write(Map<String, ?> line) throws IOException {
			out.write(json.writeValueAsBytes(line));
			out.write('\n');
			out.flush();
		}

	}

}
