package io.rocketcri.console.api;

import java.util.List;

import io.rocketcri.config.Json;
import io.rocketcri.image.ImageRecord;
import io.rocketcri.image.ImageService;
import tools.jackson.databind.JsonNode;

/** Images as the API shows them. */
final class ImageJson {

	private ImageJson() {
	}

	/**
	 * @param size bytes of the manifest, config and compressed layers
	 * @param dangling true when no tag names the image any more (only its digest)
	 * @param pinned kept by pruning and kubelet's image GC (the pause image)
	 */
	record ImageItem(String id, List<String> repoTags, List<String> repoDigests, long size, boolean dangling,
			boolean pinned, Long uid, String username, String pulledFrom, String createdTime) {
	}

	/** @param manifest the platform manifest as stored; {@code config} the image config blob */
	record ImageDetail(ImageItem image, String manifestDigest, String manifestMediaType, List<String> chainIds,
			JsonNode manifest, JsonNode config) {
	}

	static ImageItem item(ImageRecord i) {
		return new ImageItem(i.id(), i.repoTags(), i.repoDigests(), i.size(), i.repoTags().isEmpty(), i.pinned(), i.uid(),
				blankToNull(i.username()), i.pulledFrom(), i.createdAt() == null ? null : i.createdAt().toString());
	}

	static ImageDetail detail(ImageService.ImageDetails d) {
		ImageRecord i = d.image();
		return new ImageDetail(item(i), i.manifestDigest(), i.manifestMediaType(), i.chainIds(),
				Json.MAPPER.readTree(d.manifestJson()), Json.MAPPER.readTree(d.configJson()));
	}

	private static String blankToNull(String s) {
		return s == null || s.isEmpty() ? null : s;
	}

}
