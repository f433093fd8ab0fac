package io.rocketcri.image.snapshot;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.rocketcri.engine.HostOs;

/**
 * Applies one image layer (an OCI/Docker layer blob: a tar changeset, gzip- or zstd-compressed or
 * not) to an empty directory that then serves as one overlayfs lower layer.
 *
 * <p>OCI whiteouts become what overlayfs reads: {@code .wh.<name>} a character device 0:0 named
 * {@code <name>}, {@code .wh..wh..opq} the xattr {@code trusted.overlay.opaque=y} on its directory
 * (opencontainers/image-spec layer.md, "Whiteouts"; kernel Documentation/filesystems/overlayfs).
 * The whiteout files themselves are never written.
 *
 * <p>The layer is hostile input. Names are normalised lexically and refused if they climb above
 * the layer root; absolute names are taken relative to it. Every directory on the way to an
 * entry is checked with lstat and must be a real directory: a symbolic link planted by the layer
 * ({@code etc -> /etc}, then {@code etc/passwd}) makes the entry fail instead of being followed.
 * Nothing is ever opened for writing in place: an existing path is removed and created anew with
 * {@code O_EXCL}. These checks are race-free because the target directory is private to this
 * call until the caller commits it (see {@link SnapshotStore}).
 *
 * <p>Metadata order per entry: lchown, then chmod (chown clears set-user-ID), then xattrs (chown
 * clears {@code security.capability} too), then mtime. Directory mtimes are applied last, after
 * their contents stopped changing. Hard links get no metadata of their own: they share the
 * inode, whose metadata came with the link target's entry.
 *
 * <p>Thread-safe: each call works on its own state; unpack different layers in parallel freely.
 */
public final class LayerUnpacker {

	static final String WHITEOUT_PREFIX = ".wh.";

	static final String OPAQUE_MARKER = ".wh..wh..opq";

	/** The xattr overlayfs reads to hide the lower layers' children of a directory. */
	static final String OPAQUE_XATTR = "trusted.overlay.opaque";

	private static final int COPY_BUFFER = 128 * 1024;

	private final HostOs hostOs;

	public LayerUnpacker(HostOs hostOs) {
		this.hostOs = hostOs;
	}

	/**
	 * Applies the layer in {@code layerStream} to {@code targetDir}.
	 * @param layerStream the layer blob as stored (compression detected from its magic bytes);
	 * read to its end, not closed
	 * @param targetDir an existing, empty directory private to this call
	 * @return the diffID and uncompressed size of the layer, computed over the whole decompressed
	 * stream, and the number of entries applied
	 * @throws IOException naming the entry that could not be applied; {@code targetDir} is then
	 * partly written and the caller deletes it
	 */
	public UnpackResult unpack(InputStream layerStream, Path targetDir) throws IOException {
		Path root = targetDir.toAbsolutePath().normalize();
		BasicFileAttributes rootAttributes = NoFollowFiles.lstat(root);
		if (rootAttributes == null || !rootAttributes.isDirectory()) {
			throw new IOException("layer target " + root + " is not a directory");
		}
		BufferedInputStream buffered = new BufferedInputStream(new NonClosingInputStream(layerStream), 65536);
		LayerCompression compression = LayerCompression.detect(buffered);
		try (InputStream decompressed = compression.open(buffered)) {
			DigestingInputStream tar = new DigestingInputStream(new BufferedInputStream(decompressed, COPY_BUFFER));
			Application application = new Application(root);
			TarReader reader = new TarReader(tar);
			long entries = 0;
			TarEntry entry;
			while ((entry = reader.next()) != null) {
				try {
					application.apply(entry, reader.content());
				}
				catch (IOException | RuntimeException ex) {
					throw new IOException("applying layer entry '" + entry.name() + "': " + ex.getMessage(), ex);
				}
				entries++;
			}
			application.applyDirectoryTimes();
			// The diffID covers the whole uncompressed stream, zero blocks after the end marker too.
			tar.drain();
			return new UnpackResult(tar.digest(), tar.count(), entries);
		}
	}

	/**
	 * Splits an archive name into path components below the layer root: empty and "."
	 * components dropped, ".." applied lexically, leading slashes ignored.
	 * @throws IOException if the name climbs above the root
	 */
	static List<String> components(String name) throws IOException {
		if (name.indexOf('\0') >= 0) {
			throw new IOException("name contains a NUL byte");
		}
		Deque<String> parts = new ArrayDeque<>();
		for (String part : name.split("/")) {
			if (part.isEmpty() || part.equals(".")) {
				continue;
			}
			if (part.equals("..")) {
				if (parts.isEmpty()) {
					throw new IOException("path '" + name + "' escapes the layer root");
				}
				parts.removeLast();
				continue;
			}
			parts.addLast(part);
		}
		return List.copyOf(parts);
	}

	/** The state of one unpack call. Confined to the calling thread. */
	private final class Application {

		private final Path root;

		/** Directory mtimes to set once the layer is written, in creation order. */
		private final Map<Path, Long> directoryTimes = new LinkedHashMap<>();

		private final byte[] buffer = new byte[COPY_BUFFER];

		Application(Path root) {
			this.root = root;
		}

		void apply(TarEntry entry, InputStream content) throws IOException {
			List<String> parts = components(entry.name());
			if (parts.isEmpty()) {
				// "./": the layer root itself.
				if (entry.type() != TarEntry.TYPE_DIRECTORY) {
					throw new IOException("the layer root must be a directory");
				}
				applyMetadata(this.root, entry);
				return;
			}
			String base = parts.getLast();
			Path parent = directories(parts.subList(0, parts.size() - 1));
			if (base.startsWith(WHITEOUT_PREFIX)) {
				applyWhiteout(parent, base);
				return;
			}
			Path path = parent.resolve(base);
			switch (entry.type()) {
				case TarEntry.TYPE_DIRECTORY -> {
					BasicFileAttributes existing = NoFollowFiles.lstat(path);
					if (existing == null || !existing.isDirectory()) {
						remove(path);
						Files.createDirectory(path);
					}
					// An existing directory is kept with its contents: tar merges directories.
				}
				case TarEntry.TYPE_REGULAR -> {
					remove(path);
					try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW,
							StandardOpenOption.WRITE)) {
						copy(content, out);
					}
				}
				case TarEntry.TYPE_SYMLINK -> {
					remove(path);
					HostOs os = LayerUnpacker.this.hostOs;
					os.symlink(entry.linkName(), path);
				}
				case TarEntry.TYPE_HARDLINK -> {
					applyHardLink(path, entry);
					return;
				}
				case TarEntry.TYPE_CHAR_DEVICE, TarEntry.TYPE_BLOCK_DEVICE, TarEntry.TYPE_FIFO -> {
					remove(path);
					int type = switch (entry.type()) {
						case TarEntry.TYPE_CHAR_DEVICE -> HostOs.S_IFCHR;
						case TarEntry.TYPE_BLOCK_DEVICE -> HostOs.S_IFBLK;
						default -> HostOs.S_IFIFO;
					};
					LayerUnpacker.this.hostOs.mknod(path, type | (entry.mode() & 0777), entry.devMajor(),
							entry.devMinor());
				}
				default -> throw new IOException("unsupported tar entry type '" + entry.type() + "'");
			}
			applyMetadata(path, entry);
		}

		private void applyWhiteout(Path parent, String base) throws IOException {
			if (base.equals(OPAQUE_MARKER)) {
				LayerUnpacker.this.hostOs.lsetxattr(parent, OPAQUE_XATTR, "y".getBytes(StandardCharsets.US_ASCII));
				return;
			}
			String hidden = base.substring(WHITEOUT_PREFIX.length());
			if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
				throw new IOException("whiteout '" + base + "' names no file");
			}
			Path path = parent.resolve(hidden);
			remove(path);
			LayerUnpacker.this.hostOs.mknod(path, HostOs.S_IFCHR, 0, 0);
		}

		private void applyHardLink(Path path, TarEntry entry) throws IOException {
			List<String> targetParts = components(entry.linkName());
			if (targetParts.isEmpty()) {
				throw new IOException("hard link to the layer root");
			}
			Path target = existingDirectory(targetParts.subList(0, targetParts.size() - 1))
				.resolve(targetParts.getLast());
			BasicFileAttributes targetAttributes = NoFollowFiles.lstat(target);
			if (targetAttributes == null) {
				throw new IOException("hard link target '" + entry.linkName() + "' is not in this layer");
			}
			if (targetAttributes.isDirectory()) {
				throw new IOException("hard link target '" + entry.linkName() + "' is a directory");
			}
			if (target.equals(path)) {
				return;
			}
			remove(path);
			// link(2) does not follow a symbolic link given as the existing file: the link itself
			// gets a second name, as tar means.
			Files.createLink(path, target);
		}

		private void applyMetadata(Path path, TarEntry entry) throws IOException {
			HostOs os = LayerUnpacker.this.hostOs;
			os.lchown(path, entry.uid(), entry.gid());
			if (entry.type() != TarEntry.TYPE_SYMLINK) {
				// path was just created by us and is not a symbolic link, so chmod(2), which
				// would follow one, is safe; Linux has no mode on links to set anyway.
				Files.setAttribute(path, "unix:mode", entry.mode() & 07777);
			}
			for (Map.Entry<String, byte[]> xattr : entry.xattrs().entrySet()) {
				os.lsetxattr(path, xattr.getKey(), xattr.getValue());
			}
			if (entry.type() == TarEntry.TYPE_DIRECTORY) {
				this.directoryTimes.put(path, entry.mtimeEpochNanos());
			}
			else {
				os.utimensNoFollow(path, entry.mtimeEpochNanos());
			}
		}

		void applyDirectoryTimes() throws IOException {
			List<Map.Entry<Path, Long>> times = new ArrayList<>(this.directoryTimes.entrySet());
			for (Map.Entry<Path, Long> time : times.reversed()) {
				BasicFileAttributes attributes = NoFollowFiles.lstat(time.getKey());
				if (attributes != null && attributes.isDirectory()) {
					try {
						LayerUnpacker.this.hostOs.utimensNoFollow(time.getKey(), time.getValue());
					}
					catch (IOException ex) {
						throw new IOException("setting the mtime of directory '" + this.root.relativize(time.getKey())
								+ "': " + ex.getMessage(), ex);
					}
				}
			}
		}

		/**
		 * Walks (and creates, 0755 root-owned, when missing) the directories {@code parts} below
		 * the root, refusing symbolic links and non-directories on the way.
		 */
		private Path directories(List<String> parts) throws IOException {
			Path current = this.root;
			for (String part : parts) {
				current = resolve(current, part);
				BasicFileAttributes attributes = NoFollowFiles.lstat(current);
				if (attributes == null) {
					Files.createDirectory(current);
					Files.setAttribute(current, "unix:mode", 0755);
				}
				else {
					requireDirectory(current, attributes);
				}
			}
			return current;
		}

		/** Like {@link #directories} but creates nothing: every component must exist. */
		private Path existingDirectory(List<String> parts) throws IOException {
			Path current = this.root;
			for (String part : parts) {
				current = resolve(current, part);
				BasicFileAttributes attributes = NoFollowFiles.lstat(current);
				if (attributes == null) {
					throw new IOException("'" + this.root.relativize(current) + "' does not exist in this layer");
				}
				requireDirectory(current, attributes);
			}
			return current;
		}

		private void requireDirectory(Path path, BasicFileAttributes attributes) throws IOException {
			if (attributes.isSymbolicLink()) {
				throw new IOException("path component '" + this.root.relativize(path)
						+ "' is a symbolic link; refusing to follow it");
			}
			if (!attributes.isDirectory()) {
				throw new IOException("path component '" + this.root.relativize(path) + "' is not a directory");
			}
		}

		private Path resolve(Path directory, String part) throws IOException {
			try {
				return directory.resolve(part);
			}
			catch (InvalidPathException ex) {
				throw new IOException("invalid path component '" + part + "'", ex);
			}
		}

		/** Removes whatever is at {@code path} (a directory with its contents), forgetting its times. */
		private void remove(Path path) throws IOException {
			if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
				NoFollowFiles.deleteRecursively(path);
				this.directoryTimes.keySet().removeIf((dir) -> dir.startsWith(path));
			}
		}

		private void copy(InputStream content, OutputStream out) throws IOException {
			int n;
			while ((n = content.read(this.buffer)) >= 0) {
				out.write(this.buffer, 0, n);
			}
		}

	}

	/** Lets the decompressor be closed (freeing zstd's native memory) without closing the caller's stream. */
	private static final class NonClosingInputStream extends FilterInputStream {

		NonClosingInputStream(InputStream in) {
			super(in);
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			return this.in.read(b, off, len);
		}

		@Override
		public void close() {
			// the caller owns the stream
		}

	}

}
