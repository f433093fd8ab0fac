package io.rocketcri.image.registry;

import java.util.List;
import java.util.Objects;

/**
 * A manifest as fetched: its raw bytes (what the digest is computed over, and what the image
 * store keeps) plus the parsed parts. An image manifest has {@code config} and {@code layers}; an
 * index (or Docker manifest list) has {@code manifests}. The other fields are null/empty.
 *
 * @param digest sha256 of {@code raw}, the repo digest
 * @param mediaType from the document, else from the response's Content-Type
 * @param raw the bytes as served
 * @param config the image config blob, null for an index
 * @param layers layer blobs in order, empty for an index
 * @param manifests child manifests, empty for an image manifest
 */
public record Manifest(String digest, String mediaType, byte[] raw, Descriptor config, List<Descriptor> layers,
		List<Descriptor> manifests) {

	public Manifest {
		Objects.requireNonNull(digest, "digest");
		Objects.requireNonNull(raw, "raw");
		layers = (layers != null) ? List.copyOf(layers) : List.of();
		manifests = (manifests != null) ? List.copyOf(manifests) : List.of();
	}

	/** True for an OCI index or Docker manifest list: pick a child with {@link PullSession#resolvePlatform}. */
	public boolean isIndex() {
		return this.config == null && (MediaTypes.isIndex(this.mediaType) || !this.manifests.isEmpty());
	}

	/** A descriptor of this manifest, as an index would list it. */
	public Descriptor descriptor() {
		return Descriptor.of(this.mediaType, this.digest, this.raw.length);
	}

	@Override
	public String toString() {
		return "Manifest[" + this.mediaType + " " + this.digest + ", " + this.raw.length + " bytes, "
				+ (isIndex() ? this.manifests.size() + " manifests" : this.layers.size() + " layers") + "]";
	}

}
