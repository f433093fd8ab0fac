package io.rocketcri.image;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.rocketcri.image.content.ContentStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * Removes the images nothing needs: not used by any container (running or not, as long as it
 * exists) and not pinned (kubelet pins the pause image). Removal goes through
 * {@link ImageService#remove}, which keeps layers still in use.
 */
@Service
public class ImagePruner {

	private static final Logger log = LoggerFactory.getLogger(ImagePruner.class);

	private final ImageService images;

	private final ImageStore store;

	private final ContentStore content;

	private final ObjectProvider<ImageUsers> users;

	private final ObjectProvider<LayerUsers> layerUsers;

	ImagePruner(ImageService images, ImageStore store, ContentStore content, ObjectProvider<ImageUsers> users,
			ObjectProvider<LayerUsers> layerUsers) {
		this.images = images;
		this.store = store;
		this.content = content;
		this.users = users;
		this.layerUsers = layerUsers;
	}

	/**
	 * @param images what would go, oldest first
	 * @param reclaimableBytes disk the layers and blobs only these images hold take (an estimate:
	 * a pull or a new container meanwhile changes it)
	 */
	public record PrunePlan(List<ImageRecord> images, long reclaimableBytes) {

		public PrunePlan {
			images = List.copyOf(images);
		}

	}

	/** @param reclaimedBytes image disk usage before minus after */
	public record PruneResult(List<ImageRecord> removed, long reclaimedBytes) {

		public PruneResult {
			removed = List.copyOf(removed);
		}

	}

	/** What {@link #prune} would remove now. */
	public PrunePlan preview() {
		List<ImageRecord> unused = unused();
		Set<String> unusedIds = new HashSet<>(unused.stream().map(ImageRecord::id).toList());
		Set<String> keptChains = new HashSet<>();
		Set<String> keptBlobs = new HashSet<>();
		for (ImageRecord kept : store.all()) {
			if (!unusedIds.contains(kept.id())) {
				keptChains.addAll(kept.chainIds());
				keptBlobs.addAll(kept.blobDigests());
			}
		}
		LayerUsers containers = layerUsers.getIfAvailable();
		if (containers != null) {
			keptChains.addAll(containers.chainIdsInUse());
		}
		Set<String> goneChains = new HashSet<>();
		Set<String> goneBlobs = new HashSet<>();
		for (ImageRecord image : unused) {
			image.chainIds().stream().filter(c -> !keptChains.contains(c)).forEach(goneChains::add);
			image.blobDigests().stream().filter(b -> !keptBlobs.contains(b)).forEach(goneBlobs::add);
		}
		long bytes = 0;
		for (String chainId : goneChains) {
			var layer = store.layer(chainId);
			if (layer.isPresent()) {
				bytes += layer.get().diskBytes() + layer.get().blobSize();
			}
		}
		for (String blob : goneBlobs) {
			bytes += content.size(blob).orElse(0L);
		}
		return new PrunePlan(unused, bytes);
	}

	/** Removes every image no container uses and nobody pinned. */
	public PruneResult prune() {
		long before = images.fsUsage().usedBytes();
		List<ImageRecord> removed = new java.util.ArrayList<>();
		for (ImageRecord image : unused()) {
			// asked again per image: a container may have been created from it since the list was made
			if (inUse().contains(image.id())) {
				continue;
			}
			images.remove(image.id());
			removed.add(image);
		}
		long reclaimed = Math.max(0, before - images.fsUsage().usedBytes());
		log.info("pruned {} unused images, {} bytes", removed.size(), reclaimed);
		return new PruneResult(removed, reclaimed);
	}

	private List<ImageRecord> unused() {
		Set<String> used = inUse();
		return images.list(null).stream().filter(i -> !i.pinned() && !used.contains(i.id())).toList();
	}

	private Set<String> inUse() {
		ImageUsers u = users.getIfAvailable();
		return u == null ? Set.of() : u.imageIdsInUse();
	}

}
