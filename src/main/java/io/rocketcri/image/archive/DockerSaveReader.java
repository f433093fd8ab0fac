package io.rocketcri.image.archive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.rocketcri.config.Json;
import io.rocketcri.image.ImageConfig;
import io.rocketcri.image.content.Digests;
import io.rocketcri.image.reference.ImageReference;
import io.rocketcri.image.registry.Descriptor;
import io.rocketcri.image.registry.Manifest;
import io.rocketcri.image.registry.MediaTypes;
import tools.jackson.databind.JsonNode;

/**
 * Reads a {@code docker save} archive: {@code manifest.json} lists, per image, its config file,
 * its repo tags and its layer tars. The archive has no registry manifest, so one is written here,
 * a Docker schema2 manifest over the layer files as they are (uncompressed tars, or whatever the
 * file holds): the same archive always gives the same manifest digest, though not the one a
 * registry shows for the image. The config is checked against its file name (docker names it by
 * its digest), and each layer's content against the config's diff ids later, by the layer check.
 */
final class DockerSaveReader {

	static final String MANIFEST_FILE = "manifest.json";

	/** What docker save writes for a layer file: an uncompressed tar (MediaTypes has only the gzip one). */
	static final String DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";

	private DockerSaveReader() {
	}

	static boolean matches(StagedArchive staged) throws ArchiveRefused {
		return staged.has(MANIFEST_FILE);
	}

	static List<ArchiveImage> read(StagedArchive staged) throws IOException {
		JsonNode manifests = ArchiveDocuments.json(staged.document(MANIFEST_FILE, "docker save archive"), MANIFEST_FILE);
		if (!manifests.isArray() || manifests.isEmpty()) {
			throw new ArchiveRefused(MANIFEST_FILE + " is not a non-empty array of images");
		}
		List<ArchiveImage> images = new ArrayList<>();
		for (int i = 0; i < manifests.size(); i++) {
			images.add(image(staged, manifests.get(i), MANIFEST_FILE + " entry " + i));
		}
		return images;
	}

	private static ArchiveImage image(StagedArchive staged, JsonNode entry, String what) throws IOException {
		if (!entry.isObject() || !entry.path("Config").isString() || !entry.path("Layers").isArray()) {
			throw new ArchiveRefused(what + " has no Config file name and Layers list");
		}
		String configName = entry.get("Config").asString();
		StagedArchive.Member configMember = staged.require(configName, what);
		checkNamedDigest(configName, configMember, what);
		byte[] configBytes = staged.document(configName, what);
		Map<String, Path> blobs = new HashMap<>();
		blobs.put(configMember.digest(), configMember.file());
		List<Map<String, Object>> layers = new ArrayList<>();
		for (String layerName : ArchiveDocuments.texts(entry.get("Layers"))) {
			StagedArchive.Member layer = staged.require(layerName, what);
			checkNamedDigest(layerName, layer, what);
			blobs.put(layer.digest(), layer.file());
			layers.add(Descriptor.of(DOCKER_LAYER_TAR, layer.digest(), layer.size()).json());
		}
		Map<String, Object> manifest = new LinkedHashMap<>();
		manifest.put("schemaVersion", 2);
		manifest.put("mediaType", MediaTypes.DOCKER_MANIFEST);
		manifest.put("config", Descriptor.of(MediaTypes.DOCKER_CONFIG, configMember.digest(), configMember.size()).json());
		manifest.put("layers", layers);
		byte[] raw = Json.MAPPER.writeValueAsString(manifest).getBytes(StandardCharsets.UTF_8);
		Manifest parsed = ArchiveDocuments.manifest(raw, what);
		ImageConfig config = ArchiveDocuments.config(configBytes, parsed, what);
		List<String> tags = ArchiveDocuments.texts(entry.get("RepoTags"));
		if (tags.isEmpty()) {
			throw new ArchiveRefused(what + " (image " + configMember.digest()
					+ ") has no RepoTags: kubelet could not refer to it; save it by name (docker save NAME:TAG)");
		}
		List<ImageReference> names = new ArrayList<>();
		for (String tag : tags) {
			names.add(ArchiveDocuments.reference(tag, what));
		}
		return new ArchiveImage(names, parsed, config, blobs, false);
	}

	/**
	 * Docker names configs {@code <hex>.json} (and, since docker 25, blobs {@code blobs/sha256/<hex>}
	 * for configs and layers): where the name carries a digest, the content must have it.
	 */
	private static void checkNamedDigest(String name, StagedArchive.Member member, String what) throws ArchiveRefused {
		String base = name.substring(name.lastIndexOf('/') + 1);
		if (base.endsWith(".json")) {
			base = base.substring(0, base.length() - ".json".length());
		}
		if (base.matches("[a-f0-9]{64}") && !member.digest().equals("sha256:" + base)) {
			throw new ArchiveRefused(what + ": digest mismatch: '" + name + "' holds content with digest " + member.digest());
		}
	}


	static String sha256(byte[] bytes) {
		return Digests.of(bytes);
	}

}
