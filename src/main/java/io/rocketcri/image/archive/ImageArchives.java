package io.rocketcri.image.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.rocketcri.failure.FailedPrecondition;
import io.rocketcri.failure.Internal;
import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.failure.ResourceExhausted;
import io.rocketcri.failure.RuntimeFailure;
import io.rocketcri.image.ImageRecord;
import io.rocketcri.image.ImageService;
import io.rocketcri.image.content.ContentStore;
import io.rocketcri.image.reference.ImageReference;
import io.rocketcri.image.registry.Descriptor;
import io.rocketcri.image.registry.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images in and out of files, for nodes that cannot reach a registry: what the command line
 * ({@code images import|export}), the REST API and the console call.
 *
 * <p>Import reads one archive, in one of three formats told apart by their members:
 * <ul>
 * <li>an OCI image layout ({@code oci-layout}, {@code index.json}, {@code blobs/}), as
 * {@code skopeo copy … oci-archive:}, {@code ctr images export}, {@code docker save} (25+) and
 * {@link #exportOci} write it;</li>
 * <li>a {@code docker save} archive ({@code manifest.json}, {@code repositories});</li>
 * <li>an App Container Image ({@code manifest} and {@code rootfs/}, see {@link AciReader} for how
 * its manifest maps to an OCI image). An ACI named {@code example.com/app} with label
 * {@code version=1.0} is stored as {@code example.com/app:1.0}; kubelet refers to it by exactly
 * that name in a pod's {@code image:} (with {@code imagePullPolicy: Never} or
 * {@code IfNotPresent}, since no registry serves it). Without a version label the tag is
 * {@code latest}, and a {@code +} in the version becomes {@code _} (tags have no {@code +}).</li>
 * </ul>
 * The archive may be plain, gzip or zstd compressed. Everything is read into a private staging
 * directory and checked first (member names, links, JSON documents, digests and sizes, every layer
 * member as the unpacker will apply it); only then is anything stored, through the same commit path
 * as a pull ({@link ImageService#commit}). A refused archive leaves nothing behind.
 *
 * <p>Thread-safe: imports stage into directories of their own; the commit path is the pull's.
 */
public class ImageArchives {

	private static final Logger log = LoggerFactory.getLogger(ImageArchives.class);

	private final ImageService images;

	private final ContentStore content;

	private final Path staging;

	/**
	 * @param staging a directory of its own for staging archives, on the file system of the data
	 * root; emptied here, since anything in it is left over from an import a crash interrupted
	 */
	ImageArchives(ImageService images, ContentStore content, Path staging) throws IOException {
		this.images = images;
		this.content = content;
		this.staging = staging;
		Files.createDirectories(staging);
		try (var leftovers = Files.list(staging)) {
			for (Path p : leftovers.toList()) {
				deleteTree(p);
			}
		}
	}

	/**
	 * Imports every image of the archive {@code in} (read to its end, not closed).
	 * @param filenameHint the file's name, for messages and the images' {@code pulledFrom}; may be null
	 * @return the stored images, in archive order
	 * @throws InvalidArgument naming the reason when the archive is not a supported format,
	 * malformed, inconsistent (digest or size mismatch) or hostile (members or links escaping, a
	 * layer the unpacker would refuse, oversized documents); nothing is stored then
	 */
	public List<ImageRecord> importArchive(InputStream in, String filenameHint) {
		String file = filenameHint == null || filenameHint.isBlank() ? "(upload)" : filenameHint.strip();
		String what = "importing image archive " + file;
		try (StagedArchive staged = StagedArchive.read(in, this.staging)) {
			List<ArchiveImage> found = read(staged);
			Set<String> checked = new java.util.HashSet<>();
			for (ArchiveImage image : found) {
				if (image.layersChecked()) {
					continue;
				}
				List<Descriptor> layers = image.manifest().layers();
				for (int i = 0; i < layers.size(); i++) {
					String digest = layers.get(i).digest();
					if (checked.add(digest + " " + image.config().diffIds().get(i))) {
						LayerCheck.check(image.blobs().get(digest), image.config().diffIds().get(i), "layer " + digest);
					}
				}
			}
			Map<String, ImageRecord> stored = new LinkedHashMap<>();
			for (ArchiveImage image : found) {
				for (ImageReference ref : image.names()) {
					ImageRecord record = this.images.commit(what, ref, new StagedSession(image, "archive:" + file));
					stored.put(record.id(), record);
				}
			}
			// the records of the last commit per image carry all its names
			List<ImageRecord> result = new ArrayList<>();
			for (String id : stored.keySet()) {
				result.add(this.images.find(id).orElse(stored.get(id)));
			}
			log.info("{}: {} image(s): {}", what, result.size(),
					result.stream().map(r -> r.id() + " " + r.repoTags()).toList());
			return result;
		}
		catch (ArchiveRefused ex) {
			throw new InvalidArgument(what + ": " + ex.getMessage(), ex);
		}
		catch (IOException ex) {
			throw ioFailure(what, ex);
		}
	}

	/**
	 * Writes the stored image {@code nameOrId} to {@code out} as an OCI image layout tar (not
	 * compressed; {@code out} is not closed). Re-importing it gives the same image id and manifest
	 * digest.
	 * @throws io.rocketcri.failure.NotFound when no image has that name or id
	 */
	public void exportOci(String nameOrId, OutputStream out) {
		ImageRecord image = this.images.get(nameOrId);
		String what = "exporting image " + image.id();
		try {
			byte[] raw = this.content.read(image.manifestDigest());
			Manifest manifest = ArchiveDocuments.manifest(raw, what);
			if (manifest.isIndex()) {
				throw new FailedPrecondition(what + ": its stored manifest is an index");
			}
			OciArchiveWriter.write(manifest, exportNames(image), this.content::path, out);
		}
		catch (java.io.FileNotFoundException ex) {
			throw new FailedPrecondition(what + ": " + ex.getMessage(), ex);
		}
		catch (ArchiveRefused ex) {
			throw new Internal(what + ": the stored manifest is unreadable: " + ex.getMessage(), ex);
		}
		catch (IOException ex) {
			throw ioFailure(what, ex);
		}
	}

	/** Tags; an image with none is exported under its repositories pinned to its manifest. */
	private static List<String> exportNames(ImageRecord image) {
		if (!image.repoTags().isEmpty()) {
			return image.repoTags();
		}
		Set<String> names = new LinkedHashSet<>();
		for (String digest : image.repoDigests()) {
			names.add(digest.substring(0, digest.indexOf('@')) + "@" + image.manifestDigest());
		}
		return List.copyOf(names);
	}

	private List<ArchiveImage> read(StagedArchive staged) throws IOException {
		if (OciLayoutReader.matches(staged)) {
			return OciLayoutReader.read(staged);
		}
		if (DockerSaveReader.matches(staged)) {
			return DockerSaveReader.read(staged);
		}
		if (AciReader.matches(staged)) {
			return AciReader.read(staged, this::dependency);
		}
		throw new ArchiveRefused("not an image archive: an OCI layout has oci-layout and index.json, a docker save"
				+ " archive manifest.json, an ACI manifest and rootfs/; found " + describe(staged));
	}

	private Optional<AciReader.Dependency> dependency(String reference) throws IOException {
		Optional<ImageRecord> found = this.images.find(reference);
		if (found.isEmpty()) {
			return Optional.empty();
		}
		ImageService.ImageDetails details = this.images.details(found.get());
		Manifest manifest = ArchiveDocuments.manifest(details.manifestJson().getBytes(StandardCharsets.UTF_8),
				"stored image " + reference);
		Map<String, Path> blobs = new HashMap<>();
		manifest.layers().forEach(l -> blobs.put(l.digest(), this.content.path(l.digest())));
		return Optional.of(new AciReader.Dependency(manifest, details.config(), blobs));
	}

	private static String describe(StagedArchive staged) {
		List<String> names = staged.names().stream().limit(8).toList();
		return names.isEmpty() ? "no regular files" : String.join(", ", names) + (staged.names().size() > 8 ? ", …" : "");
	}

	private static RuntimeFailure ioFailure(String what, IOException ex) {
		String message = what + ": " + ex.getMessage();
		if (String.valueOf(ex.getMessage()).contains("No space left on device")) {
			return new ResourceExhausted(message, ex);
		}
		return new Internal(message, ex);
	}

	private static void deleteTree(Path root) throws IOException {
		try (var walk = Files.walk(root)) {
			for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(p);
			}
		}
	}

}
