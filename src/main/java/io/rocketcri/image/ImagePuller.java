package io.rocketcri.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rocketcri.failure.FailedPrecondition;
import io.rocketcri.failure.Internal;
import io.rocketcri.failure.NotFound;
import io.rocketcri.failure.ResourceExhausted;
import io.rocketcri.failure.RuntimeFailure;
import io.rocketcri.failure.Unauthenticated;
import io.rocketcri.failure.Unavailable;
import io.rocketcri.image.content.ContentStore;
import io.rocketcri.image.content.TeeInputStream;
import io.rocketcri.image.content.VerifyingInputStream;
import io.rocketcri.image.reference.ImageReference;
import io.rocketcri.image.registry.Descriptor;
import io.rocketcri.image.registry.Manifest;
import io.rocketcri.image.registry.Platform;
import io.rocketcri.image.registry.PullSession;
import io.rocketcri.image.registry.RegistryClient;
import io.rocketcri.image.registry.RegistryCredentials;
import io.rocketcri.image.registry.RegistryException;
import io.rocketcri.image.snapshot.LayerUnpacker;
import io.rocketcri.image.snapshot.SnapshotStore;
import io.rocketcri.image.snapshot.UnpackResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PullImage, step by step: manifest (one request when the image is already here), platform
 * selection, config, then the layers in parallel, each streamed once from the registry into the
 * content store and the unpacker at the same time, verified against the descriptor digest and the
 * config's diff id before it is committed. Nothing partial survives a failure: ingest files and
 * half-unpacked directories are deleted, and no image record is written.
 */
final class ImagePuller {

	private static final Logger log = LoggerFactory.getLogger(ImagePuller.class);

	private final RegistryClient registry;

	private final ContentStore content;

	private final SnapshotStore snapshots;

	private final LayerUnpacker unpacker;

	private final ImageStore store;

	private final LayerLeases leases;

	private final Semaphore downloadSlots;

	private final SingleFlight<String, ImageRecord> imagePulls = new SingleFlight<>();

	private final SingleFlight<String, LayerRecord> layerPulls = new SingleFlight<>();

	private final ExecutorService layerThreads = Executors.newVirtualThreadPerTaskExecutor();

	/** {@code rocket_cri_image_pull_duration_seconds{result}}: whole PullImage calls, already-present images included. */
	private final MeterRegistry meters;

	/** {@code rocket_cri_image_pull_bytes_total}: layer bytes actually downloaded (present layers cost nothing). */
	private final Counter pulledBytes;

	ImagePuller(RegistryClient registry, ContentStore content, SnapshotStore snapshots, LayerUnpacker unpacker,
			ImageStore store, LayerLeases leases, int maxConcurrentLayerDownloads, MeterRegistry meters) {
		this.meters = meters;
		this.pulledBytes = Counter.builder("rocket.cri.image.pull.bytes")
			.description("Compressed layer bytes downloaded from registries")
			.baseUnit("bytes")
			.register(meters);
		this.registry = registry;
		this.content = content;
		this.snapshots = snapshots;
		this.unpacker = unpacker;
		this.store = store;
		this.leases = leases;
		this.downloadSlots = new Semaphore(Math.max(1, maxConcurrentLayerDownloads));
	}

	/** @param listener {@link PullListener#NONE} or one that never throws (see ImageService) */
	ImageRecord pull(ImageReference ref, RegistryCredentials credentials, PullListener listener) {
		long start = System.nanoTime();
		String result = "failure";
		try {
			ImageRecord pulled = imagePulls.run(ref.familiar(), () -> pullOnce(ref, credentials, listener),
					() -> listener.onProgress(new PullProgress.Joined(ref.familiar())));
			result = "success";
			return pulled;
		}
		finally {
			// the timer's count is the number of pulls: rocket_cri_image_pull_duration_seconds_count{result}
			Timer.builder("rocket.cri.image.pull.duration")
				.description("PullImage calls, by result")
				.tag("result", result)
				.publishPercentileHistogram()
				.register(meters)
				.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
			Counter.builder("rocket.cri.image.pulls")
				.description("PullImage calls, by result")
				.tag("result", result)
				.register(meters)
				.increment();
		}
	}

	private ImageRecord pullOnce(ImageReference ref, RegistryCredentials credentials, PullListener listener) {
		String what = "pulling image " + ref.familiar();
		if (ref.digest() != null) {
			var present = store.byName(ref.repository() + "@" + ref.digest());
			if (present.isPresent() && layersPresent(present.get())) {
				listener.onProgress(new PullProgress.AlreadyPresent(ref.familiar(), present.get().id()));
				return tag(present.get(), ref);
			}
		}
		return pullFrom(ref, registry.open(ref, credentials), what, listener);
	}

	/**
	 * The commit path of a pull, from any source: image archives hand in a session over their
	 * already verified, staged blobs (io.rocketcri.image.archive), so that an imported image is
	 * stored exactly like a pulled one (blobs, layer snapshots, record) by this one code path.
	 */
	ImageRecord pullFrom(ImageReference ref, PullSession session, String what, PullListener listener) {
		try {
			Manifest top = session.manifest(ref.tagOrDigest());
			String repoDigest = ref.repository() + "@" + top.digest();
			var present = store.byName(repoDigest);
			if (present.isPresent() && layersPresent(present.get())) {
				listener.onProgress(new PullProgress.AlreadyPresent(ref.familiar(), present.get().id()));
				return tag(present.get(), ref);
			}
			Manifest image = top.isIndex() ? session.resolvePlatform(top, Platform.host()) : top;
			if (image.config() == null) {
				throw new FailedPrecondition(what + ": manifest " + image.digest() + " has no config");
			}
			byte[] configBytes = fetchSmallBlob(session, image.config());
			ImageConfig config = ImageConfig.parse(configBytes);
			if (config.diffIds().size() != image.layers().size()) {
				throw new FailedPrecondition("%s: manifest %s lists %d layers but its config %d diff ids"
					.formatted(what, image.digest(), image.layers().size(), config.diffIds().size()));
			}
			List<String> chainIds = chainIds(config.diffIds());
			leases.acquire(chainIds);
			try {
				if (listener != PullListener.NONE) {
					listener.onProgress(new PullProgress.Resolved(ref.familiar(), image.digest(),
							initialLayers(image.layers(), chainIds)));
				}
				List<LayerRecord> layers = fetchLayers(what, session, image.layers(), config.diffIds(), chainIds,
						listener);
				content.writeBytes(image.raw());
				List<String> blobs = new ArrayList<>(List.of(image.digest(), image.config().digest()));
				if (top != image) {
					content.writeBytes(top.raw());
					blobs.add(top.digest());
				}
				long size = image.raw().length + image.config().size()
						+ layers.stream().mapToLong(LayerRecord::blobSize).sum();
				ImageRecord record = new ImageRecord(image.config().digest(), image.digest(), image.mediaType(), size,
						config.numericUid(), config.username(), false, session.endpointUsed(), Instant.now(),
						ref.tag() != null && ref.digest() == null ? List.of(ref.familiar()) : List.of(),
						List.of(repoDigest), chainIds, blobs);
				ImageRecord saved = store.save(record);
				log.info("pulled image {} as {} from {} ({} layers, {} bytes)", ref.familiar(), saved.id(),
						session.endpointUsed(), layers.size(), size);
				return saved;
			}
			finally {
				leases.release(chainIds);
			}
		}
		catch (RegistryException ex) {
			throw registryFailure(what, ex);
		}
		catch (IOException ex) {
			throw ioFailure(what, ex);
		}
	}

	private ImageRecord tag(ImageRecord present, ImageReference ref) {
		if (ref.tag() == null || ref.digest() != null) {
			return present;
		}
		return store.save(present.withNames(List.of(ref.familiar()), List.of()));
	}

	private boolean layersPresent(ImageRecord image) {
		return image.chainIds().stream().allMatch(c -> store.layer(c).isPresent() && snapshots.exists(c));
	}

	private byte[] fetchSmallBlob(PullSession session, Descriptor descriptor) throws IOException {
		if (!content.has(descriptor.digest())) {
			try (InputStream in = session.openBlob(descriptor)) {
				content.write(in, descriptor.digest(), descriptor.size());
			}
		}
		return content.read(descriptor.digest());
	}

	static List<String> chainIds(List<String> diffIds) {
		List<String> chain = new ArrayList<>();
		String parent = null;
		for (String diffId : diffIds) {
			parent = SnapshotStore.chainId(parent, diffId);
			chain.add(parent);
		}
		return chain;
	}

	private List<PullProgress.Layer> initialLayers(List<Descriptor> descriptors, List<String> chainIds) {
		List<PullProgress.Layer> layers = new ArrayList<>();
		for (int i = 0; i < descriptors.size(); i++) {
			Descriptor d = descriptors.get(i);
			boolean here = store.layer(chainIds.get(i)).isPresent() && snapshots.exists(chainIds.get(i));
			layers.add(new PullProgress.Layer(d.digest(), here ? PullProgress.LayerStatus.EXISTS
					: PullProgress.LayerStatus.WAITING, here ? d.size() : 0, d.size()));
		}
		return layers;
	}

	private List<LayerRecord> fetchLayers(String what, PullSession session, List<Descriptor> descriptors,
			List<String> diffIds, List<String> chainIds, PullListener listener) throws IOException {
		List<Future<LayerRecord>> futures = new ArrayList<>();
		for (int i = 0; i < descriptors.size(); i++) {
			Descriptor d = descriptors.get(i);
			String diffId = diffIds.get(i);
			String chainId = chainIds.get(i);
			futures.add(layerThreads.submit(() -> {
				boolean[] joined = {false};
				LayerRecord layer = layerPulls.run(chainId, () -> fetchLayer(what, session, d, diffId, chainId, listener),
						() -> joined[0] = true);
				if (joined[0]) {
					// another image's pull fetched it for us
					listener.onProgress(new PullProgress.Layer(d.digest(), PullProgress.LayerStatus.DONE, d.size(), d.size()));
				}
				return layer;
			}));
		}
		List<LayerRecord> layers = new ArrayList<>();
		RuntimeException first = null;
		for (Future<LayerRecord> f : futures) {
			try {
				layers.add(f.get());
			}
			catch (ExecutionException ex) {
				RuntimeException cause = ex.getCause() instanceof RuntimeException re ? re
						: new Internal(what + ": " + ex.getCause(), ex.getCause());
				first = first == null ? cause : first;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new Unavailable(what + ": interrupted", ex);
			}
		}
		if (first != null) {
			if (first instanceof UncheckedIOException io) {
				throw io.getCause();
			}
			throw first;
		}
		return layers;
	}

	private LayerRecord fetchLayer(String what, PullSession session, Descriptor d, String diffId, String chainId,
			PullListener listener) {
		var known = store.layer(chainId);
		if (known.isPresent() && snapshots.exists(chainId)) {
			return known.get(); // reported as EXISTS when the pull was resolved
		}
		String layerWhat = what + ": layer " + d.digest();
		try {
			downloadSlots.acquire();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new Unavailable(layerWhat + ": interrupted", ex);
		}
		Path target = null;
		listener.onProgress(new PullProgress.Layer(d.digest(), PullProgress.LayerStatus.DOWNLOADING, 0, d.size()));
		try (ContentStore.Ingest ingest = content.begin();
				InputStream raw = counted(session.openBlob(d), d, listener);
				VerifyingInputStream verified = new VerifyingInputStream(raw, d.digest(), d.size(), layerWhat)) {
			target = snapshots.prepare(chainId);
			TeeInputStream tee = new TeeInputStream(verified, ingest.stream());
			UnpackResult result = unpacker.unpack(tee, target);
			tee.drain();
			listener.onProgress(new PullProgress.Layer(d.digest(), PullProgress.LayerStatus.EXTRACTING, d.size(), d.size()));
			if (!verified.verified()) {
				throw new VerifyingInputStream.DigestMismatchException(layerWhat + ": stream ended unverified");
			}
			if (!result.diffId().equals(diffId)) {
				throw new VerifyingInputStream.DigestMismatchException(
						"%s: uncompressed content is %s, the image config says %s".formatted(layerWhat, result.diffId(), diffId));
			}
			ingest.commit(d.digest(), d.size());
			pulledBytes.increment(d.size());
			snapshots.commit(target, chainId);
			target = null;
			SnapshotStore.Usage usage = snapshots.usage(chainId);
			LayerRecord layer = new LayerRecord(chainId, diffId, d.digest(), d.size(), usage.bytes(), usage.inodes());
			store.saveLayer(layer);
			listener.onProgress(new PullProgress.Layer(d.digest(), PullProgress.LayerStatus.DONE, d.size(), d.size()));
			return layer;
		}
		catch (RegistryException ex) {
			throw registryFailure(layerWhat, ex);
		}
		catch (IOException ex) {
			throw ioFailure(layerWhat, ex);
		}
		finally {
			if (target != null) {
				try {
					snapshots.abort(target);
				}
				catch (IOException ex) {
					log.warn("{}: removing the half-unpacked layer {}: {}", layerWhat, target, ex.getMessage());
				}
			}
			downloadSlots.release();
		}
	}

	/** Counting costs nothing when nobody listens: the CRI path reads the registry's stream as is. */
	private static InputStream counted(InputStream raw, Descriptor d, PullListener listener) {
		if (listener == PullListener.NONE) {
			return raw;
		}
		return new ProgressInputStream(raw, bytes -> listener
			.onProgress(new PullProgress.Layer(d.digest(), PullProgress.LayerStatus.DOWNLOADING, bytes, d.size())));
	}

	static RuntimeFailure registryFailure(String what, RegistryException ex) {
		String message = what + ": " + ex.getMessage();
		if (ex.unauthorized()) {
			return new Unauthenticated(message, ex);
		}
		if (ex.notFound()) {
			return new NotFound(message, ex);
		}
		return new Unavailable(message, ex);
	}

	static RuntimeFailure ioFailure(String what, IOException ex) {
		if (ex instanceof RegistryException re) {
			return registryFailure(what, re);
		}
		String message = what + ": " + ex.getMessage();
		if (ex instanceof VerifyingInputStream.DigestMismatchException) {
			return new Unavailable(message, ex);
		}
		if (String.valueOf(ex.getMessage()).contains("No space left on device")) {
			return new ResourceExhausted(message, ex);
		}
		return new Internal(message, ex);
	}

	/** Where a pull of {@code ref} looks, in order: registries.conf mirrors first, then the registry. */
	java.util.List<io.rocketcri.image.registry.Endpoint> endpointsFor(io.rocketcri.image.reference.ImageReference ref) {
		return registry.endpointsFor(ref);
	}

}
