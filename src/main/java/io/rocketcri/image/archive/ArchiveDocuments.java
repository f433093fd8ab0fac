package io.rocketcri.image.archive;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.rocketcri.config.Json;
import io.rocketcri.image.ImageConfig;
import io.rocketcri.image.content.Digests;
import io.rocketcri.image.reference.ImageReference;
import io.rocketcri.image.reference.InvalidReferenceException;
import io.rocketcri.image.registry.Descriptor;
import io.rocketcri.image.registry.Manifest;
import io.rocketcri.image.registry.ManifestParser;
import io.rocketcri.image.registry.MediaTypes;
import io.rocketcri.image.registry.Platform;
import tools.jackson.databind.JsonNode;

/** JSON documents of archives, parsed with the reason for a refusal spelled out. */
final class ArchiveDocuments {

	private ArchiveDocuments() {
	}

	static JsonNode json(byte[] bytes, String what) throws ArchiveRefused {
		try {
			JsonNode node = Json.read(bytes);
			if (node == null || node.isMissingNode()) {
				throw new ArchiveRefused(what + " is empty");
			}
			return node;
		}
		catch (IOException ex) {
			throw new ArchiveRefused(what + " is not valid JSON: " + ex.getMessage(), ex);
		}
	}

	static Manifest manifest(byte[] raw, String what) throws ArchiveRefused {
		try {
			// no Content-Type in an archive; mediaType is optional in OCI documents, so tell by shape
			String shape = json(raw, what).has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
			return ManifestParser.parse(raw, shape, Digests.of(raw));
		}
		catch (IllegalArgumentException ex) {
			throw new ArchiveRefused(what + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * The image config, checked against the manifest (one diff id per layer) and this node's
	 * platform: an arm64 image imported on an amd64 node would only fail later, at exec.
	 */
	static ImageConfig config(byte[] raw, Manifest manifest, String what) throws ArchiveRefused {
		ImageConfig config;
		try {
			config = ImageConfig.parse(raw);
		}
		catch (IOException ex) {
			throw new ArchiveRefused(what + ": the image config is not valid: " + ex.getMessage(), ex);
		}
		if (config.diffIds().size() != manifest.layers().size()) {
			throw new ArchiveRefused("%s: the manifest lists %d layers but the config %d diff ids".formatted(what,
					manifest.layers().size(), config.diffIds().size()));
		}
		for (String diffId : config.diffIds()) {
			if (!Digests.isValid(diffId)) {
				throw new ArchiveRefused(what + ": the config has the unusable diff id \"" + diffId + "\"");
			}
		}
		checkPlatform(config.os(), config.architecture(), what);
		return config;
	}

	static void checkPlatform(String os, String architecture, String what) throws ArchiveRefused {
		Platform host = Platform.host();
		if (os.isEmpty() || architecture.isEmpty()) {
			return; // platform-independent, as appc allows and some OCI tools write
		}
		Platform image = new Platform(os.toLowerCase(Locale.ROOT), architecture, null).normalised();
		if (!image.os().equals(host.os()) || !image.architecture().equals(host.architecture())) {
			throw new ArchiveRefused(what + ": the image is for " + image.os() + "/" + image.architecture()
					+ " but this node runs " + host.os() + "/" + host.architecture());
		}
	}

	static ImageReference reference(String name, String what) throws ArchiveRefused {
		try {
			return ImageReference.parse(name);
		}
		catch (InvalidReferenceException ex) {
			throw new ArchiveRefused(what + ": \"" + name + "\" is not a usable image name: " + ex.getMessage(), ex);
		}
	}

	/** Descriptors must be sha256 (the content store's only algorithm). */
	static void requireSha256(Descriptor d, String what) throws ArchiveRefused {
		if (!Digests.isValid(d.digest())) {
			throw new ArchiveRefused(what + ": digest " + d.digest() + " is not sha256, the only algorithm this node stores");
		}
	}

	static List<String> texts(JsonNode array) {
		List<String> out = new ArrayList<>();
		if (array != null && array.isArray()) {
			array.forEach(n -> out.add(n.asString("")));
		}
		return out;
	}

}
