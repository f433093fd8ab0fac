package io.rocketcri.console.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.image.ImageService;
import io.rocketcri.image.archive.ImageArchives;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * Image archives for air-gapped nodes: {@code POST /api/v1/images/import} takes an ACI, an OCI
 * image layout tar or a {@code docker save} tar (plain, gzip or zstd) as the request body and
 * answers the images it stored; {@code GET /api/v1/images/{id}/export} streams an image as an
 * OCI layout tar. The body is streamed, never buffered whole in memory.
 */
@RestController
class ImageArchivesController {

	private final ImageArchives archives;

	private final ImageService images;

	ImageArchivesController(ImageArchives archives, ImageService images) {
		this.archives = archives;
		this.images = images;
	}

	record Imported(List<ImageJson.ImageItem> items) {
	}

	/** @param filename the uploaded file's name, for messages and the image's origin only */
	@PostMapping(path = "/api/v1/images/import", produces = "application/json")
	@ResponseStatus(HttpStatus.CREATED)
	Imported importArchive(HttpServletRequest request, @RequestParam(required = false) String filename)
			throws IOException {
		if (filename != null && (filename.length() > 255 || filename.contains("/") || filename.contains("\0"))) {
			throw new InvalidArgument("filename: a plain file name of at most 255 characters");
		}
		if (request.getContentLengthLong() == 0) {
			throw new InvalidArgument("body: empty; send the archive as the request body");
		}
		try (InputStream body = request.getInputStream()) {
			return new Imported(archives.importArchive(body, filename).stream().map(ImageJson::item).toList());
		}
	}

	@GetMapping(path = "/api/v1/images/{id}/export", produces = "application/x-tar")
	ResponseEntity<StreamingResponseBody> export(@PathVariable String id) {
		var image = images.get(id); // NotFound before the first byte, so it can still be a 404
		String file = image.id().replace("sha256:", "").substring(0, 12) + ".oci.tar";
		StreamingResponseBody body = out -> archives.exportOci(image.id(), out);
		return ResponseEntity.ok()
			.header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + file + "\"")
			.body(body);
	}

}
