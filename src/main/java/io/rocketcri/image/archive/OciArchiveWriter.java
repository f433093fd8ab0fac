package io.rocketcri.image.archive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.rocketcri.config.Json;
import io.rocketcri.image.content.Digests;
import io.rocketcri.image.registry.Descriptor;
import io.rocketcri.image.registry.Manifest;
import io.rocketcri.image.registry.MediaTypes;

/**
 * Writes one stored image as an OCI image layout tar: {@code oci-layout}, {@code index.json} with an
 * entry per name (annotations {@code io.containerd.image.name} = the full name and
 * {@code org.opencontainers.image.ref.name} = its tag, as containerd exports), the manifest, config
 * and layer blobs byte for byte as stored, and a docker-style {@code manifest.json} so that
 * {@code docker load} takes the file too. Importing the result gives the same image id and manifest
 * digest.
 */
final class OciArchiveWriter {

	/** Where a blob's bytes come from: the content store. */
	interface Blobs {

		Path path(String digest);

	}

	private OciArchiveWriter() {
	}

	static void write(Manifest manifest, List<String> names, Blobs blobs, OutputStream out) throws IOException {
		Set<String> digests = new LinkedHashSet<>();
		digests.add(manifest.digest());
		digests.add(manifest.config().digest());
		manifest.layers().forEach(l -> digests.add(l.digest()));
		for (String digest : digests) {
			if (!digest.equals(manifest.digest()) && !Files.isRegularFile(blobs.path(digest))) {
				throw new java.io.FileNotFoundException("blob " + digest + " is not in the content store"
						+ " (the layer may have been stored from another image's blob of the same content)");
			}
		}
		TarWriter tar = new TarWriter(out);
		bytes(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
		bytes(tar, "index.json", json(index(manifest, names)));
		bytes(tar, "manifest.json", json(List.of(dockerManifest(manifest, names))));
		tar.directory("blobs");
		tar.directory("blobs/sha256");
		bytes(tar, blobName(manifest.digest()), manifest.raw());
		for (String digest : digests) {
			if (digest.equals(manifest.digest())) {
				continue;
			}
			Path file = blobs.path(digest);
			try (InputStream in = Files.newInputStream(file)) {
				tar.file(blobName(digest), Files.size(file), in);
			}
		}
		tar.finish();
	}

	private static Map<String, Object> index(Manifest manifest, List<String> names) {
		List<Map<String, Object>> entries = new ArrayList<>();
		for (String name : names.isEmpty() ? List.of("") : names) {
			Map<String, Object> entry = manifest.descriptor().json();
			if (!name.isEmpty()) {
				Map<String, String> annotations = new LinkedHashMap<>();
				annotations.put(OciLayoutReader.CONTAINERD_NAME, name);
				int at = name.indexOf('@');
				int colon = name.lastIndexOf(':');
				if (at < 0 && colon > name.lastIndexOf('/')) {
					annotations.put(OciLayoutReader.REF_NAME, name.substring(colon + 1));
				}
				entry.put("annotations", annotations);
			}
			entries.add(entry);
		}
		Map<String, Object> index = new LinkedHashMap<>();
		index.put("schemaVersion", 2);
		index.put("mediaType", MediaTypes.OCI_INDEX);
		index.put("manifests", entries);
		return index;
	}

	private static Map<String, Object> dockerManifest(Manifest manifest, List<String> names) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("Config", blobName(manifest.config().digest()));
		m.put("RepoTags", names.stream().filter(n -> !n.contains("@")).toList());
		m.put("Layers", manifest.layers().stream().map(l -> blobName(l.digest())).toList());
		return m;
	}


	private static String blobName(String digest) {
		return "blobs/sha256/" + Digests.hex(digest);
	}

	private static void bytes(TarWriter tar, String name, byte[] content) throws IOException {
		tar.file(name, content.length, new ByteArrayInputStream(content));
	}

	private static byte[] json(Object value) {
		return Json.MAPPER.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
	}

}
