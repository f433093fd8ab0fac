package io.rocketcri.image.registry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.rocketcri.config.Json;
import tools.jackson.databind.JsonNode;

/**
 * Reads manifest documents: OCI index and image manifest, Docker manifest list and schema2.
 * Dispatches on the document's {@code mediaType} (what the digest covers), falling back to the
 * response's Content-Type for documents that omit it, as older OCI manifests may.
 */
public final class ManifestParser {

	private ManifestParser() {
	}

	/**
	 * @param raw the bytes as served
	 * @param contentType the response's Content-Type, may be null
	 * @param digest the digest of {@code raw}
	 * @throws IllegalArgumentException saying why the document cannot be used (schema1, not
	 * JSON, missing or malformed descriptors)
	 */
	public static Manifest parse(byte[] raw, String contentType, String digest) {
		JsonNode root;
		try {
			root = Json.read(raw);
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("manifest is not valid JSON: " + ex.getMessage(), ex);
		}
		if (root == null || !root.isObject()) {
			throw new IllegalArgumentException("manifest is not a JSON object");
		}
		String mediaType = text(root, "mediaType");
		if (mediaType == null && contentType != null) {
			mediaType = contentType.split(";", 2)[0].strip();
		}
		if (MediaTypes.isSchema1(mediaType) || root.path("schemaVersion").asInt(0) == 1) {
			throw new IllegalArgumentException("manifest is Docker schema1 (" + mediaType
					+ "), a format this runtime does not pull; push the image again with a current client");
		}
		boolean index = MediaTypes.isIndex(mediaType) || (!MediaTypes.isImageManifest(mediaType)
				&& root.has("manifests") && !root.has("config"));
		if (index) {
			return new Manifest(digest, (mediaType != null) ? mediaType : MediaTypes.OCI_INDEX, raw, null, List.of(),
					descriptors(root, "manifests"));
		}
		if (!root.has("config")) {
			throw new IllegalArgumentException("manifest of type " + mediaType + " has neither config nor manifests");
		}
		return new Manifest(digest, (mediaType != null) ? mediaType : MediaTypes.OCI_MANIFEST, raw,
				descriptor(root.get("config"), "config"), descriptors(root, "layers"), List.of());
	}

	private static List<Descriptor> descriptors(JsonNode root, String field) {
		JsonNode array = root.path(field);
		if (array.isMissingNode() || array.isNull()) {
			return List.of();
		}
		if (!array.isArray()) {
			throw new IllegalArgumentException("manifest field \"" + field + "\" is not an array");
		}
		List<Descriptor> descriptors = new ArrayList<>();
		for (int i = 0; i < array.size(); i++) {
			descriptors.add(descriptor(array.get(i), field + "[" + i + "]"));
		}
		return descriptors;
	}

	private static Descriptor descriptor(JsonNode node, String where) {
		if (node == null || !node.isObject()) {
			throw new IllegalArgumentException("manifest " + where + " is not a descriptor object");
		}
		String digest = text(node, "digest");
		if (!Digests.valid(digest)) {
			throw new IllegalArgumentException("manifest " + where + " has an unusable digest \"" + digest + "\"");
		}
		JsonNode size = node.path("size");
		if (!size.canConvertToLong() || size.asLong() < 0) {
			throw new IllegalArgumentException("manifest " + where + " has no valid size");
		}
		List<String> urls = new ArrayList<>();
		node.path("urls").forEach(url -> urls.add(url.asString("")));
		Map<String, String> annotations = new LinkedHashMap<>();
		node.path("annotations").properties().forEach(e -> annotations.put(e.getKey(), e.getValue().asString("")));
		Platform platform = null;
		JsonNode p = node.get("platform");
		if (p != null && p.isObject() && text(p, "os") != null && text(p, "architecture") != null) {
			platform = new Platform(text(p, "os"), text(p, "architecture"), text(p, "variant"));
		}
		return new Descriptor(text(node, "mediaType"), digest, size.asLong(), urls, annotations, platform);
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

}
