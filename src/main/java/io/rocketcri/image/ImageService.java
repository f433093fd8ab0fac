package io.rocketcri.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.rocketcri.failure.Internal;
import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.failure.NotFound;
import io.rocketcri.image.content.ContentStore;
import io.rocketcri.image.content.Digests;
import io.rocketcri.image.reference.ImageReference;
import io.rocketcri.image.reference.InvalidReferenceException;
import io.rocketcri.image.registry.PullSession;
import io.rocketcri.image.registry.RegistryCredentials;
import io.rocketcri.image.snapshot.SnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;

/**
 * The node's images: pull, look up, list, remove, and how much disk they take. What the CRI
 * ImageService, the console and the REST API all call.
 */
public class ImageService {

	private static final Logger log = LoggerFactory.getLogger(ImageService.class);

	private final ImageStore store;

	private final ImagePuller puller;

	private final ContentStore content;

	private final SnapshotStore snapshots;

	private final LayerLeases leases;

	private final ObjectProvider<LayerUsers> layerUsers;

	private final Object collectorLock = new Object();

	/** The last failure per image reference as asked for, oldest dropped past 256; guarded by itself. */
	private final java.util.LinkedHashMap<String, PullFailure> pullFailures = new java.util.LinkedHashMap<>(16, 0.75f,
			false) {

		@Override
		protected boolean removeEldestEntry(java.util.Map.Entry<String, PullFailure> eldest) {
			return size() > 256;
		}

	};

	ImageService(ImageStore store, ImagePuller puller, ContentStore content, SnapshotStore snapshots,
			LayerLeases leases, ObjectProvider<LayerUsers> layerUsers) {
		this.store = store;
		this.puller = puller;
		this.content = content;
		this.snapshots = snapshots;
		this.leases = leases;
		this.layerUsers = layerUsers;
	}

	/**
	 * Where a runtime that pulls images itself (the rkt handler) finds this very image: each place
	 * a pull of it would try, registries.conf mirrors first, as {@code host/repository@digest} of
	 * the manifest rocket-cri pulled, so that it gets the same bytes from the same registries.
	 * @param requested the reference kubelet gave, used when the image has no name of its own
	 * @return empty when no place is known (an image imported from a file, a blocked registry)
	 */
	public List<String> fetchSources(ImageRecord image, String requested) {
		// the name kubelet asked by, unless it asked by id (as kubelet does): then a name it was pulled as
		boolean byId = requested == null || requested.matches("(sha256:)?[0-9a-f]{12,64}");
		String name = !byId ? requested : !image.repoTags().isEmpty() ? image.repoTags().getFirst()
				: !image.repoDigests().isEmpty() ? image.repoDigests().getFirst() : requested;
		io.rocketcri.image.reference.ImageReference ref;
		try {
			ref = io.rocketcri.image.reference.ImageReference.parse(name);
		}
		catch (RuntimeException ex) {
			return List.of(); // an image id, or a name that is no reference
		}
		return puller.endpointsFor(ref)
			.stream()
			.map(e -> e.host() + "/" + e.repositoryPath() + "@" + image.manifestDigest())
			.toList();
	}

	/** Pulls {@code image} (or finds it already here) and returns the stored record. */
	public ImageRecord pull(String image, RegistryCredentials credentials) {
		return prepare(image, "image.image", credentials).run(PullListener.NONE);
	}

	/**
	 * Checks {@code image} now and pulls it later, reporting progress: a caller that streams the
	 * progress can answer a bad reference as a plain error before it starts streaming.
	 * @param field how the caller names the reference in an InvalidArgument message
	 * @throws InvalidArgument when {@code image} is no valid image reference
	 */
	public PendingPull prepare(String image, String field, RegistryCredentials credentials) {
		return new PendingPull(parse(image, field), credentials == null ? RegistryCredentials.NONE : credentials);
	}

	/** A checked image reference, ready to pull. */
	public final class PendingPull {

		private final ImageReference ref;

		private final RegistryCredentials credentials;

		private PendingPull(ImageReference ref, RegistryCredentials credentials) {
			this.ref = ref;
			this.credentials = credentials;
		}

		/** The reference normalised: {@code docker.io/library/busybox:latest}. */
		public String reference() {
			return ref.familiar();
		}

		/**
		 * Pulls (or joins a pull of the same image already running, or finds it here).
		 * @param listener told of the progress; what it throws is logged and ignored
		 */
		public ImageRecord run(PullListener listener) {
			String key = ref.familiar();
			try {
				ImageRecord pulled = puller.pull(ref, credentials, safe(listener));
				synchronized (pullFailures) {
					pullFailures.remove(key);
				}
				return pulled;
			}
			catch (RuntimeException ex) {
				synchronized (pullFailures) {
					pullFailures.remove(key); // re-inserted: the newest failure goes last
					pullFailures.put(key, new PullFailure(key, ex.getMessage(), java.time.Instant.now()));
				}
				throw ex;
			}
		}

	}

	/**
	 * Why the last pull of {@code image} failed, if it did and none succeeded since; references
	 * are compared normalised, so "busybox" finds a failed pull of docker.io/library/busybox:latest.
	 */
	public Optional<PullFailure> lastPullFailure(String image) {
		String key;
		try {
			key = parse(image, "image").familiar();
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
		synchronized (pullFailures) {
			return Optional.ofNullable(pullFailures.get(key));
		}
	}

	private static PullListener safe(PullListener listener) {
		if (listener == null || listener == PullListener.NONE) {
			return PullListener.NONE;
		}
		return event -> {
			try {
				listener.onProgress(event);
			}
			catch (RuntimeException ex) {
				log.debug("a pull progress listener failed: {}", ex.toString());
			}
		};
	}

	/**
	 * Stores an image that comes from somewhere else than a registry (an image archive) through
	 * the commit path of a pull: blobs, layer snapshots and record exactly as a pull makes them.
	 * {@code source} serves content its caller has checked already; digests are verified again
	 * while storing. Tags {@code ref} when it has a tag.
	 * @param what the action for error messages, e.g. "importing image archive app.aci"
	 */
	public ImageRecord commit(String what, ImageReference ref, PullSession source) {
		return puller.pullFrom(ref, source, what, PullListener.NONE);
	}

	public List<ImageRecord> list(String filter) {
		if (filter == null || filter.isBlank()) {
			return store.all().stream().sorted(Comparator.comparing(ImageRecord::createdAt)).toList();
		}
		return find(filter).map(List::of).orElse(List.of());
	}

	/**
	 * The image with this id ({@code sha256:…}, as records of containers hold it), without
	 * parsing it as a name: the list calls look one up per container on every relist.
	 */
	public Optional<ImageRecord> byId(String id) {
		return store.byId(id);
	}

	/**
	 * Finds an image the way an operator names it: full id, short id prefix, a tag ("busybox",
	 * "docker.io/library/busybox:1.36") or a repo digest. Empty when no image matches, which
	 * ImageStatus reports as "no image", not as an error.
	 */
	public Optional<ImageRecord> find(String nameOrId) {
		if (nameOrId == null || nameOrId.isBlank()) {
			throw new InvalidArgument("image.image: empty image name");
		}
		String text = nameOrId.strip();
		if (Digests.isValid(text)) {
			return store.byId(text);
		}
		if (text.matches("[a-f0-9]{64}")) {
			return store.byId("sha256:" + text);
		}
		if (text.matches("[a-f0-9]{6,63}")) {
			List<ImageRecord> matches = store.byIdPrefix(text);
			if (matches.size() == 1) {
				return Optional.of(matches.getFirst());
			}
		}
		ImageReference ref;
		try {
			ref = ImageReference.parse(text);
		}
		catch (InvalidReferenceException ex) {
			return Optional.empty();
		}
		if (ref.digest() != null) {
			return store.byName(ref.repository() + "@" + ref.digest());
		}
		return store.byName(ref.familiar());
	}

	public ImageRecord get(String nameOrId) {
		return find(nameOrId).orElseThrow(() -> new NotFound("image " + nameOrId + " not found"));
	}

	/** The image's layer snapshot directories, bottom layer first: a container's overlay lower dirs. */
	public java.util.List<java.nio.file.Path> layerPaths(ImageRecord image) {
		return image.chainIds().stream().map(snapshots::path).toList();
	}

	/** The manifest and config JSON of an image, for verbose ImageStatus and the console. */
	public ImageDetails details(ImageRecord image) {
		try {
			String manifest = new String(content.read(image.manifestDigest()), StandardCharsets.UTF_8);
			String config = new String(content.read(image.id()), StandardCharsets.UTF_8);
			return new ImageDetails(image, manifest, config, ImageConfig.parse(config.getBytes(StandardCharsets.UTF_8)));
		}
		catch (IOException ex) {
			throw new Internal("reading manifest and config of image " + image.id() + ": " + ex.getMessage(), ex);
		}
	}

	public record ImageDetails(ImageRecord image, String manifestJson, String configJson, ImageConfig config) {
	}

	/**
	 * Removes the image {@code nameOrId} names, with all its tags (CRI: removing one tag removes
	 * the image), then collects layers and blobs no other image, container or running pull needs.
	 * Removing an image that is not here succeeds: kubelet retries removals.
	 */
	public void remove(String nameOrId) {
		Optional<ImageRecord> image = find(nameOrId);
		if (image.isEmpty()) {
			return;
		}
		synchronized (collectorLock) {
			store.delete(image.get().id());
			collect();
		}
		log.info("removed image {} ({})", image.get().id(), String.join(", ", image.get().names()));
	}

	/**
	 * At boot, after images and containers are loaded: collects what a pull or removal cut off by
	 * a crash left, i.e. layers and blobs no image or container references, and snapshots
	 * committed without a layer record (the crash came between the two). Snapshots a container
	 * stands on are kept whatever the records say.
	 */
	public void collectGarbage() {
		synchronized (collectorLock) {
			collect();
			Set<String> keep = new HashSet<>();
			store.layers().forEach(l -> keep.add(l.chainId()));
			keep.addAll(leases.held());
			LayerUsers users = layerUsers.getIfAvailable();
			if (users != null) {
				keep.addAll(users.chainIdsInUse());
			}
			try {
				for (String chainId : snapshots.chainIds()) {
					if (!keep.contains(chainId)) {
						log.info("removing snapshot {}: no layer record, no container (a pull cut off by a crash)", chainId);
						snapshots.remove(chainId);
					}
				}
			}
			catch (IOException ex) {
				log.warn("collecting snapshots without a layer record under {}: {}", snapshots.root(), ex.getMessage());
			}
		}
	}

	/** Deletes layers and blobs nothing references. Caller holds the collector lock. */
	private void collect() {
		Set<String> keep = new HashSet<>(store.referencedChainIds());
		keep.addAll(leases.held());
		LayerUsers users = layerUsers.getIfAvailable();
		if (users != null) {
			keep.addAll(users.chainIdsInUse());
		}
		Set<String> keepBlobs = store.referencedBlobs();
		for (LayerRecord layer : List.copyOf(store.layers())) {
			if (keep.contains(layer.chainId())) {
				keepBlobs.add(layer.blobDigest());
				continue;
			}
			try {
				snapshots.remove(layer.chainId());
				store.deleteLayer(layer.chainId());
			}
			catch (IOException ex) {
				log.warn("collecting layer {}: {}; will retry at the next removal", layer.chainId(), ex.getMessage());
				keepBlobs.add(layer.blobDigest());
			}
		}
		try {
			for (String digest : content.list()) {
				if (!keepBlobs.contains(digest)) {
					content.delete(digest);
				}
			}
		}
		catch (IOException ex) {
			log.warn("collecting blobs: {}; will retry at the next removal", ex.getMessage());
		}
	}

	/**
	 * Disk used by images: layer snapshots as measured when committed, plus stored blobs; and the
	 * mount point of the file system they live on, for kubelet's image garbage collection.
	 */
	public FsUsage fsUsage() {
		long bytes = 0;
		long inodes = 0;
		for (LayerRecord layer : store.layers()) {
			bytes += layer.diskBytes();
			inodes += layer.diskInodes();
		}
		try {
			for (String digest : content.list()) {
				bytes += content.size(digest).orElse(0L);
				inodes++;
			}
		}
		catch (IOException ex) {
			throw new Internal("measuring the content store " + content.root() + ": " + ex.getMessage(), ex);
		}
		return new FsUsage(snapshots.root().toString(), bytes, inodes);
	}

	public record FsUsage(String mountpoint, long usedBytes, long inodesUsed) {
	}

	static ImageReference parse(String image, String field) {
		if (image == null || image.isBlank()) {
			throw new InvalidArgument(field + ": empty image reference");
		}
		try {
			return ImageReference.parse(image.strip());
		}
		catch (InvalidReferenceException ex) {
			throw new InvalidArgument(field + ": invalid image reference \"" + image + "\": " + ex.getMessage());
		}
	}

}
