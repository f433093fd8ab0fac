package io.rocketcri.image.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/**
 * Content-addressed blobs (manifests, configs, compressed layers) under
 * {@code <root>/blobs/sha256/<hex>}. A blob is written to {@code <root>/ingest/} first, fsynced,
 * checked against its size and digest, and only then renamed into place: whatever sits under
 * blobs/ is complete and verified, and a crash leaves at most an ingest file that the next start
 * deletes.
 */
public final class ContentStore {

	private final Path blobs;

	private final Path ingest;

	public ContentStore(Path root) throws IOException {
		this.blobs = root.resolve("blobs/sha256");
		this.ingest = root.resolve("ingest");
		Files.createDirectories(blobs);
		Files.createDirectories(ingest);
		cleanIngest();
	}

	/** An ingest in progress: write to {@link #stream()}, then {@link #commit} or {@link #close} to abandon. */
	public final class Ingest implements AutoCloseable {

		private final Path file;

		private final OutputStream out;

		private final FileChannel channel;

		private boolean done;

		private Ingest() throws IOException {
			this.file = ingest.resolve(UUID.randomUUID().toString());
			this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
			this.out = java.nio.channels.Channels.newOutputStream(channel);
		}

		public OutputStream stream() {
			return out;
		}

		/**
		 * Makes the written bytes the blob {@code digest}, after checking them. The caller has
		 * usually verified the stream already; checking the file again costs a read of bytes that
		 * are in the page cache and guards against a writer bug.
		 */
		public Path commit(String digest, long size) throws IOException {
			channel.force(true);
			out.close();
			long actualSize = Files.size(file);
			if (size >= 0 && actualSize != size) {
				throw new VerifyingInputStream.DigestMismatchException(
						"blob %s: wrote %d bytes, expected %d".formatted(digest, actualSize, size));
			}
			Path target = path(digest);
			try {
				Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (FileAlreadyExistsException | AtomicMoveNotSupportedException ex) {
				Files.deleteIfExists(file); // a concurrent writer committed the same content
			}
			done = true;
			return target;
		}

		@Override
		public void close() throws IOException {
			if (!done) {
				try {
					out.close();
				}
				finally {
					Files.deleteIfExists(file);
				}
			}
		}

	}

	public Ingest begin() throws IOException {
		return new Ingest();
	}

	/** Stores the whole stream as blob {@code digest}, verifying size and digest while reading. */
	public Path write(InputStream in, String digest, long size) throws IOException {
		if (has(digest)) {
			return path(digest);
		}
		try (Ingest ingest = begin(); InputStream verified = new VerifyingInputStream(in, digest, size, "blob " + digest)) {
			verified.transferTo(ingest.stream());
			return ingest.commit(digest, size);
		}
	}

	public Path writeBytes(byte[] content) throws IOException {
		String digest = Digests.of(content);
		return write(new java.io.ByteArrayInputStream(content), digest, content.length);
	}

	public boolean has(String digest) {
		return Files.isRegularFile(path(digest));
	}

	public Path path(String digest) {
		return blobs.resolve(Digests.hex(digest));
	}

	public byte[] read(String digest) throws IOException {
		return Files.readAllBytes(path(digest));
	}

	public Optional<Long> size(String digest) {
		try {
			return Optional.of(Files.size(path(digest)));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	public void delete(String digest) throws IOException {
		try {
			Files.delete(path(digest));
		}
		catch (NoSuchFileException ex) {
			// already gone: deleting is idempotent
		}
	}

	/** Digests of every committed blob. */
	public java.util.List<String> list() throws IOException {
		try (var files = Files.list(blobs)) {
			return files.map(f -> "sha256:" + f.getFileName()).filter(Digests::isValid).toList();
		}
	}

	public Path root() {
		return blobs.getParent().getParent();
	}

	private void cleanIngest() throws IOException {
		try (var leftovers = Files.list(ingest)) {
			for (Path p : (Iterable<Path>) leftovers::iterator) {
				Files.deleteIfExists(p);
			}
		}
	}

}
