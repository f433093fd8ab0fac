package io.rocketcri.image.archive;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.rocketcri.image.ImageConfig;
import io.rocketcri.image.reference.ImageReference;
import io.rocketcri.image.registry.Manifest;

/**
 * One image found in an archive, ready to commit: the names it is stored under, its image
 * manifest (never an index: the platform is chosen while reading), its parsed config, and where
 * the staged config and layer blobs are.
 *
 * @param layersChecked true when the layers were already checked by {@link LayerSafety} and their
 * diff ids computed (an ACI's rootfs, re-tarred while reading)
 */
record ArchiveImage(List<ImageReference> names, Manifest manifest, ImageConfig config, Map<String, Path> blobs,
		boolean layersChecked) {

	ArchiveImage {
		names = List.copyOf(names);
		blobs = Map.copyOf(blobs);
	}

}
