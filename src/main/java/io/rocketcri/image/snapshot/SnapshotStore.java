package io.rocketcri.image.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Unpacked layers on disk, one directory per chain ID, each usable as an overlayfs lower layer:
 * <pre>
 * &lt;root&gt;/snapshots/
 *   &lt;chainId hex&gt;/fs      committed layer (what {@link #path} returns)
 *   ingest-&lt;random&gt;/fs     being unpacked; invisible to {@link #exists}
 *   removing-&lt;random&gt;/     being deleted
 * </pre>
 * Lifecycle: {@link #prepare} → unpack into the returned directory → {@link #commit} (one atomic
 * rename of the ingest directory), or {@link #abort} on failure. A snapshot is thus either absent
 * or complete; leftovers of a crash are ingest- and removing- directories, which
 * {@link #removeLeftovers} deletes at boot.
 *
 * <p>Thread-safe: all state is on disk and every transition is one rename. Two pulls committing
 * the same chain ID race harmlessly: the second finds it present and drops its copy.
 */
public final class SnapshotStore {

	private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

	private static final String INGEST_PREFIX = "ingest-";

	private static final String REMOVING_PREFIX = "removing-";

	private static final String FS = "fs";

	private final Path snapshots;

	/** @param root the data root, e.g. {@code /var/lib/rocket-cri} */
	public SnapshotStore(Path root) {
		this.snapshots = root.toAbsolutePath().normalize().resolve("snapshots");
	}

	/**
	 * The chain ID of a layer stacked on {@code parentChainId} (opencontainers/image-spec
	 * config.md, "Layer ChainID"): the diffID itself for the bottom layer, otherwise
	 * {@code sha256(parentChainId + " " + diffId)}.
	 * @param parentChainId chain ID of the layers below, null for the bottom layer
	 */
	public static String chainId(String parentChainId, String diffId) {
		requireDigest(diffId);
		if (parentChainId == null) {
			return diffId;
		}
		requireDigest(parentChainId);
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256")
				.digest((parentChainId + " " + diffId).getBytes(StandardCharsets.US_ASCII));
			return "sha256:" + HexFormat.of().formatHex(hash);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JDK has SHA-256", ex);
		}
	}

	/**
	 * Creates a private, empty directory to unpack the layer {@code chainId} into.
	 * @return {@code <root>/snapshots/ingest-<random>/fs}, mode 0755; pass it to {@link #commit}
	 * or {@link #abort}
	 */
	public Path prepare(String chainId) throws IOException {
		requireDigest(chainId);
		Files.createDirectories(this.snapshots);
		String hex = chainId.substring("sha256:".length());
		Path ingest = this.snapshots.resolve(INGEST_PREFIX + hex.substring(0, 12) + "-" + UUID.randomUUID());
		Files.createDirectory(ingest);
		Files.setAttribute(ingest, "unix:mode", 0700);
		Path fs = Files.createDirectory(ingest.resolve(FS));
		Files.setAttribute(fs, "unix:mode", 0755);
		return fs;
	}

	/**
	 * Makes the unpacked {@code prepared} directory the snapshot {@code chainId}, atomically. If
	 * that snapshot exists already (a concurrent pull won), {@code prepared} is deleted and the
	 * existing one kept.
	 * @return {@link #path(String) path(chainId)}
	 */
	public Path commit(Path prepared, String chainId) throws IOException {
		requireDigest(chainId);
		Path ingest = ingestDirectory(prepared);
		Path target = directory(chainId);
		if (!exists(chainId)) {
			try {
				// rename(2): the target directory, if one appeared meanwhile, holds fs/ and is
				// therefore never empty, so the rename fails instead of replacing it.
				Files.move(ingest, target, StandardCopyOption.ATOMIC_MOVE);
				return path(chainId);
			}
			catch (FileSystemException ex) {
				if (!exists(chainId)) {
					throw new IOException("committing snapshot " + chainId + ": " + ex.getMessage(), ex);
				}
			}
		}
		NoFollowFiles.deleteRecursively(ingest);
		return path(chainId);
	}

	/** Deletes a {@link #prepare prepared} directory after a failed unpack. */
	public void abort(Path prepared) throws IOException {
		NoFollowFiles.deleteRecursively(ingestDirectory(prepared));
	}

	/** Whether the snapshot {@code chainId} is committed. */
	public boolean exists(String chainId) {
		BasicFileAttributes attributes;
		try {
			attributes = NoFollowFiles.lstat(path(chainId));
		}
		catch (IOException ex) {
			return false;
		}
		return attributes != null && attributes.isDirectory();
	}

	/** The root of the snapshot's file tree, {@code <root>/snapshots/<hex>/fs}, as a lowerdir. */
	public Path path(String chainId) {
		return directory(chainId).resolve(FS);
	}

	/**
	 * Deletes the snapshot {@code chainId}; absent is fine. The snapshot first leaves the namespace
	 * by a rename, so a crash halfway leaves a removing- directory, not a half snapshot.
	 */
	public void remove(String chainId) throws IOException {
		Path directory = directory(chainId);
		if (NoFollowFiles.lstat(directory) == null) {
			return;
		}
		Path doomed = this.snapshots.resolve(REMOVING_PREFIX + UUID.randomUUID());
		try {
			Files.move(directory, doomed, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (java.nio.file.NoSuchFileException ex) {
			return; // removed concurrently
		}
		NoFollowFiles.deleteRecursively(doomed);
	}

	/** What a snapshot takes on disk: bytes of regular files and inodes (each inode once). */
	public record Usage(long bytes, long inodes) {
	}

	/**
	 * Bytes of regular files in the snapshot and the inodes it uses, each inode counted once however
	 * many hard links it has. Symbolic links are not followed.
	 */
	public Usage usage(String chainId) throws IOException {
		Set<Object> seen = new HashSet<>();
		long[] total = { 0, 0 };
		Files.walkFileTree(path(chainId), new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
				total[1]++;
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
				if (attributes.fileKey() == null || seen.add(attributes.fileKey())) {
					total[1]++;
					if (attributes.isRegularFile()) {
						total[0] += attributes.size();
					}
				}
				return FileVisitResult.CONTINUE;
			}

		});
		return new Usage(total[0], total[1]);
	}

	/** Bytes of regular files in the snapshot; see {@link #usage}. */
	public long diskUsage(String chainId) throws IOException {
		return usage(chainId).bytes();
	}

	/** Deletes ingest- and removing- directories a crash left behind. Call before any pull starts. */
	public void removeLeftovers() throws IOException {
		if (!Files.isDirectory(this.snapshots, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		try (DirectoryStream<Path> children = Files.newDirectoryStream(this.snapshots)) {
			for (Path child : children) {
				String name = child.getFileName().toString();
				if (name.startsWith(INGEST_PREFIX) || name.startsWith(REMOVING_PREFIX)) {
					NoFollowFiles.deleteRecursively(child);
				}
			}
		}
	}

	/** Chain ids of every committed snapshot (ingest- and removing- directories are not snapshots). */
	public java.util.Set<String> chainIds() throws IOException {
		java.util.Set<String> ids = new java.util.TreeSet<>();
		if (!Files.isDirectory(this.snapshots, LinkOption.NOFOLLOW_LINKS)) {
			return ids;
		}
		try (DirectoryStream<Path> children = Files.newDirectoryStream(this.snapshots)) {
			for (Path child : children) {
				String chainId = "sha256:" + child.getFileName();
				if (DIGEST.matcher(chainId).matches()) {
					ids.add(chainId);
				}
			}
		}
		return ids;
	}

	/** The directory every snapshot lives in, on the file system that ImageFsInfo reports. */
	public Path root() {
		return this.snapshots;
	}

	private Path directory(String chainId) {
		requireDigest(chainId);
		return this.snapshots.resolve(chainId.substring("sha256:".length()));
	}

	private Path ingestDirectory(Path prepared) {
		Path fs = prepared.toAbsolutePath().normalize();
		Path ingest = fs.getParent();
		if (!fs.getFileName().toString().equals(FS) || ingest == null || !this.snapshots.equals(ingest.getParent())
				|| !ingest.getFileName().toString().startsWith(INGEST_PREFIX)) {
			throw new IllegalArgumentException(prepared + " was not returned by prepare()");
		}
		return ingest;
	}

	private static void requireDigest(String digest) {
		if (digest == null || !DIGEST.matcher(digest).matches()) {
			throw new IllegalArgumentException("not a sha256 digest: " + digest);
		}
	}

}
