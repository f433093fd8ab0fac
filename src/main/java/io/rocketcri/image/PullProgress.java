package io.rocketcri.image;

import java.util.List;

/** What a {@link PullListener} hears, in this order per layer: WAITING, DOWNLOADING…, EXTRACTING, DONE (or EXISTS). */
public sealed interface PullProgress {

	/**
	 * The manifest for this platform is known: the layers to come, each WAITING or already EXISTS.
	 * @param reference the image as normalised ({@code docker.io/library/busybox:1.36})
	 * @param manifestDigest the platform manifest's digest
	 */
	record Resolved(String reference, String manifestDigest, List<Layer> layers) implements PullProgress {

		public Resolved {
			layers = List.copyOf(layers);
		}

	}

	/**
	 * One layer's state.
	 * @param digest the compressed blob's digest, as registries and manifests name layers
	 * @param current bytes downloaded so far (of the compressed blob)
	 * @param total the blob's size from the manifest
	 */
	record Layer(String digest, LayerStatus status, long current, long total) implements PullProgress {
	}

	/**
	 * Another caller is already pulling this image; this one waits for that pull, whose layers it
	 * does not see one by one (the end comes as the pull's result).
	 */
	record Joined(String reference) implements PullProgress {
	}

	/** The image and all its layers are already here: nothing to download. */
	record AlreadyPresent(String reference, String imageId) implements PullProgress {
	}

	enum LayerStatus {

		/** Not started: waiting for a download slot (or for another pull of the same layer). */
		WAITING,
		/** Bytes arriving; unpacked as they arrive. */
		DOWNLOADING,
		/** All bytes in: verifying the digests, committing the blob and the snapshot. */
		EXTRACTING,
		DONE,
		/** Already unpacked on this node: nothing to download. */
		EXISTS

	}

}
