package io.rocketcri.testsupport;

import java.util.List;
import java.util.Optional;

/**
 * What {@link RegistryPusher#push} put in a registry, for tests to pull and assert against.
 *
 * @param registry          {@code host:port}
 * @param repository        e.g. {@code rocket/busybox}
 * @param tag               the tag pushed
 * @param manifestDigest    digest of the linux/amd64 image manifest
 * @param manifestMediaType its media type
 * @param indexDigest       digest of the OCI index / Docker manifest list, if the image has one
 * @param configDigest      digest of the image config: the image id a runtime reports
 * @param layerDigests      digests of the layer blobs as stored (compressed), bottom first
 * @param diffIds           sha256 of the uncompressed layers ({@code rootfs.diff_ids})
 */
public record PushedImage(String registry, String repository, String tag, String manifestDigest,
		String manifestMediaType, Optional<String> indexDigest, String configDigest, List<String> layerDigests,
		List<String> diffIds) {

	public PushedImage {
		layerDigests = List.copyOf(layerDigests);
		diffIds = List.copyOf(diffIds);
	}

	/** {@code host:port/repository:tag}. */
	public String reference() {
		return registry + "/" + repository + ":" + tag;
	}

	/** {@code host:port/repository}, the repo part of a repo tag or repo digest. */
	public String name() {
		return registry + "/" + repository;
	}

	/** The digest a pull by tag resolves: the index's if there is one, else the manifest's. */
	public String topDigest() {
		return indexDigest.orElse(manifestDigest);
	}

	/** {@code host:port/repository@<top digest>}: the repo digest runtimes report after a pull by tag. */
	public String digestReference() {
		return name() + "@" + topDigest();
	}

	/** {@code host:port/repository@<manifest digest>}: pulls the amd64 manifest directly. */
	public String manifestReference() {
		return name() + "@" + manifestDigest;
	}

	/** The image id: the config digest. */
	public String imageId() {
		return configDigest;
	}

}
