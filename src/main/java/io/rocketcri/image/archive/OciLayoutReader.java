package io.rocketcri.image.archive;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.rocketcri.image.ImageConfig;
import io.rocketcri.image.content.Digests;
import io.rocketcri.image.reference.ImageReference;
import io.rocketcri.image.registry.Descriptor;
import io.rocketcri.image.registry.Manifest;
import io.rocketcri.image.registry.Platform;
import tools.jackson.databind.JsonNode;

/**
 * Reads an OCI image layout (image-spec image-layout.md): {@code oci-layout}, {@code index.json},
 * {@code blobs/<alg>/<hex>}. Every blob used is checked against its name's digest and its
 * descriptor's size. Each index entry becomes one image, named by the annotation containerd and
 * docker write ({@code io.containerd.image.name}, a full reference) or else by
 * {@code org.opencontainers.image.ref.name} when that is a full reference; an entry that is an index
 * itself is resolved to this node's platform. Entries naming the same image are merged.
 */
final class OciLayoutReader {

	static final String LAYOUT_FILE = "oci-layout";

	static final String INDEX_FILE = "index.json";

	static final String CONTAINERD_NAME = "io.containerd.image.name";

	static final String REF_NAME = "org.opencontainers.image.ref.name";

	private static final int MAX_INDEX_DEPTH = 4;

	private OciLayoutReader() {
	}

	static boolean matches(StagedArchive staged) throws ArchiveRefused {
		return staged.has(LAYOUT_FILE) && staged.has(INDEX_FILE);
	}

	static List<ArchiveImage> read(StagedArchive staged) throws IOException {
		JsonNode layout = ArchiveDocuments.json(staged.document(LAYOUT_FILE, "OCI layout"), "oci-layout");
		if (!layout.path("imageLayoutVersion").isString()) {
			throw new ArchiveRefused("oci-layout has no imageLayoutVersion: not an OCI image layout");
		}
		Manifest index = ArchiveDocuments.manifest(staged.document(INDEX_FILE, "OCI layout"), "index.json");
		if (!index.isIndex()) {
			throw new ArchiveRefused("index.json is not an image index");
		}
		Map<String, List<ImageReference>> names = new LinkedHashMap<>();
		Map<String, Manifest> manifests = new HashMap<>();
		for (int i = 0; i < index.manifests().size(); i++) {
			Descriptor entry = index.manifests().get(i);
			String what = "index.json entry " + i + " (" + entry.digest() + ")";
			String name = entry.annotations().get(CONTAINERD_NAME);
			if (name == null) {
				String ref = entry.annotations().get(REF_NAME);
				// a bare tag ("latest") names no repository; a full name ("example.com/app:1") does
				name = ref != null && (ref.contains("/") || ref.contains(":")) ? ref : null;
			}
			if (name == null) {
				throw new ArchiveRefused(what + " has no image name (annotation " + CONTAINERD_NAME + ", or "
						+ REF_NAME + " holding a full reference): kubelet could not refer to it");
			}
			Manifest image = resolve(staged, entry, what, 0);
			ImageReference ref = ArchiveDocuments.reference(name, what);
			manifests.put(image.digest(), image);
			names.computeIfAbsent(image.digest(), k -> new ArrayList<>()).add(ref);
		}
		List<ArchiveImage> images = new ArrayList<>();
		for (Map.Entry<String, List<ImageReference>> e : names.entrySet()) {
			images.add(image(staged, manifests.get(e.getKey()), e.getValue()));
		}
		return images;
	}

	private static Manifest resolve(StagedArchive staged, Descriptor entry, String what, int depth) throws IOException {
		ArchiveDocuments.requireSha256(entry, what);
		byte[] raw = blobDocument(staged, entry, what);
		Manifest manifest = ArchiveDocuments.manifest(raw, what);
		if (!manifest.isIndex()) {
			return manifest;
		}
		if (depth == MAX_INDEX_DEPTH) {
			throw new ArchiveRefused(what + ": indexes nested deeper than " + MAX_INDEX_DEPTH);
		}
		Platform host = Platform.host();
		List<String> offered = new ArrayList<>();
		for (Descriptor child : manifest.manifests()) {
			if (child.platform() == null) {
				continue;
			}
			Platform p = child.platform().normalised();
			offered.add(p.toString());
			if (p.os().equals(host.os()) && p.architecture().equals(host.architecture())) {
				return resolve(staged, child, what + " → " + child.digest(), depth + 1);
			}
		}
		throw new ArchiveRefused(what + ": no image for " + host + " in the index, it offers: " + String.join(", ", offered));
	}

	private static ArchiveImage image(StagedArchive staged, Manifest manifest, List<ImageReference> names)
			throws IOException {
		String what = "image " + manifest.digest();
		Descriptor configDescriptor = manifest.config();
		ArchiveDocuments.requireSha256(configDescriptor, what);
		byte[] configBytes = blobDocument(staged, configDescriptor, what + " config");
		ImageConfig config = ArchiveDocuments.config(configBytes, manifest, what);
		Map<String, Path> blobs = new HashMap<>();
		blobs.put(configDescriptor.digest(), blob(staged, configDescriptor, what).file());
		for (Descriptor layer : manifest.layers()) {
			ArchiveDocuments.requireSha256(layer, what);
			blobs.put(layer.digest(), blob(staged, layer, what + " layer " + layer.digest()).file());
		}
		return new ArchiveImage(names, manifest, config, blobs, false);
	}

	/** The staged blob, its content checked against the descriptor's digest and size. */
	static StagedArchive.Member blob(StagedArchive staged, Descriptor d, String what) throws ArchiveRefused {
		String name = "blobs/sha256/" + Digests.hex(d.digest());
		StagedArchive.Member member = staged.require(name, what);
		if (!member.digest().equals(d.digest())) {
			throw new ArchiveRefused(what + ": digest mismatch: blob " + name + " holds content with digest "
					+ member.digest());
		}
		if (member.size() != d.size()) {
			throw new ArchiveRefused(what + ": size mismatch: blob " + name + " is " + member.size()
					+ " bytes, the descriptor says " + d.size());
		}
		return member;
	}

	private static byte[] blobDocument(StagedArchive staged, Descriptor d, String what) throws IOException {
		StagedArchive.Member member = blob(staged, d, what);
		return staged.document(member.name(), what);
	}

}
