package io.rocketcri.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An image built in memory by {@link OciImageBuilder}, ready for {@link RegistryPusher}.
 *
 * @param format         OCI or Docker schema2 media types
 * @param manifest       the linux/amd64 image manifest
 * @param config         its image config; its digest is the image id
 * @param layers         its layers as pushed (compressed or not), bottom first
 * @param diffIds        sha256 of each uncompressed layer tar, as {@code rootfs.diff_ids} lists them
 * @param index          the OCI index or Docker manifest list over all platforms, if one was asked for
 * @param otherManifests the index's other entries (other platforms, attestations), each pushed by digest
 * @param otherBlobs     configs and layers of those other manifests
 */
public record BuiltImage(OciImageBuilder.Format format, Blob manifest, Blob config, List<Blob> layers,
		List<String> diffIds, Optional<Blob> index, List<Blob> otherManifests, List<Blob> otherBlobs) {

	public BuiltImage {
		layers = List.copyOf(layers);
		diffIds = List.copyOf(diffIds);
		otherManifests = List.copyOf(otherManifests);
		otherBlobs = List.copyOf(otherBlobs);
	}

	/** The image id: the digest of the config. */
	public String imageId() {
		return config.digest();
	}

	public String manifestDigest() {
		return manifest.digest();
	}

	/** The digest a pull by this image's tag resolves: the index's if there is one, else the manifest's. */
	public String topDigest() {
		return index.map(Blob::digest).orElse(manifest.digest());
	}

	public List<String> layerDigests() {
		return layers.stream().map(Blob::digest).toList();
	}

	/** Every non-manifest blob (configs and layers of all manifests), each digest once. */
	public List<Blob> blobs() {
		Map<String, Blob> all = new LinkedHashMap<>();
		all.putIfAbsent(config.digest(), config);
		layers.forEach(b -> all.putIfAbsent(b.digest(), b));
		otherBlobs.forEach(b -> all.putIfAbsent(b.digest(), b));
		return new ArrayList<>(all.values());
	}

}
