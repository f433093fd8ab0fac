package io.rocketcri.image.archive;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import io.rocketcri.image.content.Digests;
import io.rocketcri.image.snapshot.LayerCompression;
import io.rocketcri.image.snapshot.TarEntry;
import io.rocketcri.image.snapshot.TarReader;

/**
 * An image archive read once, front to back, into a private staging directory: every regular
 * member copied to a numbered file (never to its own name, so no member name reaches the file
 * system) with its size and sha256, links remembered, and an ACI's {@code rootfs/} re-tarred into a
 * layer on the fly ({@link AciRootfs}). The archive may be plain, gzip or zstd compressed.
 *
 * <p>Nothing here is trusted or stored: the format readers check the staged members, and
 * {@link #close()} deletes the directory whatever happened. Not thread-safe.
 */
final class StagedArchive implements AutoCloseable {

	/** A regular member, staged. */
	record Member(String name, Path file, long size, String digest) {
	}

	/** Members outside an ACI rootfs; an image archive has a handful per image. */
	static final int MAX_MEMBERS = 100_000;

	/** Bound for JSON documents (manifests, indexes, configs): a hostile one must not fill the heap. */
	static final int MAX_DOCUMENT = 4 << 20;

	private static final int MAX_LINK_DEPTH = 8;

	private final Path directory;

	private final Map<String, Member> members = new LinkedHashMap<>();

	/** Symbolic and hard links between members: name → target name (archive-relative). */
	private final Map<String, String> links = new HashMap<>();

	private AciRootfs rootfs;

	private String sha512;

	private int counter;

	private StagedArchive(Path directory) {
		this.directory = directory;
	}

	/**
	 * Reads {@code in} to its end into a new directory under {@code stagingRoot}.
	 * @throws ArchiveRefused when the stream is not a tar or a member is unacceptable
	 * @throws IOException when staging fails for the node's sake (disk full)
	 */
	static StagedArchive read(InputStream in, Path stagingRoot) throws IOException {
		Files.createDirectories(stagingRoot);
		Path directory = stagingRoot.resolve(UUID.randomUUID().toString());
		Files.createDirectory(directory);
		Files.setAttribute(directory, "unix:mode", 0700);
		StagedArchive staged = new StagedArchive(directory);
		try {
			staged.readAll(in);
			return staged;
		}
		catch (IOException | RuntimeException ex) {
			staged.close();
			throw ex;
		}
	}

	private void readAll(InputStream in) throws IOException {
		BufferedInputStream buffered = new BufferedInputStream(in, 64 * 1024);
		LayerCompression compression;
		try {
			compression = LayerCompression.detect(buffered);
		}
		catch (IOException ex) {
			throw new ArchiveRefused(ex.getMessage(), ex);
		}
		MessageDigest sha512 = sha512();
		try (InputStream decompressed = compression.open(buffered);
				DigestInputStream tarStream = new DigestInputStream(new BufferedInputStream(decompressed, 64 * 1024), sha512)) {
			TarReader reader = new TarReader(tarStream);
			TarEntry entry;
			int count = 0;
			while ((entry = next(reader)) != null) {
				String name = ArchivePaths.normalise(entry.name());
				if (name.equals(AciRootfs.PREFIX) || name.startsWith(AciRootfs.PREFIX + "/")) {
					if (this.rootfs == null) {
						this.rootfs = new AciRootfs(this.directory.resolve("rootfs.tar.gz"));
					}
					this.rootfs.add(name, entry, reader.content());
					continue;
				}
				if (++count > MAX_MEMBERS) {
					throw new ArchiveRefused("more than " + MAX_MEMBERS + " members outside rootfs/");
				}
				stage(name, entry, reader.content());
			}
			tarStream.transferTo(OutputStream.nullOutputStream());
			this.sha512 = HexFormat.of().formatHex(sha512.digest());
			if (this.rootfs != null) {
				this.rootfs.finish();
			}
		}
		catch (java.util.zip.ZipException | java.io.EOFException ex) {
			throw new ArchiveRefused("the archive is truncated or corrupt: " + ex.getMessage(), ex);
		}
		finally {
			if (this.rootfs != null) {
				this.rootfs.abandon();
			}
		}
	}

	/** TarReader reports a malformed tar as an IOException: for an archive that is the archive's fault. */
	private static TarEntry next(TarReader reader) throws ArchiveRefused {
		try {
			return reader.next();
		}
		catch (IOException ex) {
			throw new ArchiveRefused("not a readable tar archive: " + ex.getMessage(), ex);
		}
	}

	private void stage(String name, TarEntry entry, InputStream content) throws IOException {
		if (this.members.containsKey(name) || this.links.containsKey(name)) {
			throw new ArchiveRefused("member '" + name + "' appears twice");
		}
		switch (entry.type()) {
			case TarEntry.TYPE_DIRECTORY -> {
				// directories carry nothing an image archive needs
			}
			case TarEntry.TYPE_REGULAR -> {
				Path file = this.directory.resolve("m" + (this.counter++));
				MessageDigest sha256 = Digests.sha256();
				try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
					new DigestInputStream(content, sha256).transferTo(out);
				}
				this.members.put(name, new Member(name, file, Files.size(file), Digests.format(sha256.digest())));
			}
			// docker save writes a layer shared by two images once and links the second place to it
			case TarEntry.TYPE_SYMLINK -> this.links.put(name, ArchivePaths.resolveLink(name, entry.linkName()));
			case TarEntry.TYPE_HARDLINK -> this.links.put(name, ArchivePaths.normalise(entry.linkName()));
			default -> throw new ArchiveRefused("member '" + name + "' is of type '" + entry.type()
					+ "' (a device or FIFO), which an image archive never holds outside rootfs/");
		}
	}

	/** The regular member at {@code name}, following links inside the archive. */
	Optional<Member> member(String name) throws ArchiveRefused {
		String current = ArchivePaths.normalise(name);
		for (int depth = 0; depth <= MAX_LINK_DEPTH; depth++) {
			Member member = this.members.get(current);
			if (member != null) {
				return Optional.of(member);
			}
			String target = this.links.get(current);
			if (target == null) {
				return Optional.empty();
			}
			current = target;
		}
		throw new ArchiveRefused("member '" + name + "': links nested deeper than " + MAX_LINK_DEPTH);
	}

	Member require(String name, String why) throws ArchiveRefused {
		return member(name).orElseThrow(() -> new ArchiveRefused(why + ": the archive has no member '" + name + "'"));
	}

	boolean has(String name) throws ArchiveRefused {
		return member(name).isPresent();
	}

	/** A JSON document member, at most {@link #MAX_DOCUMENT} bytes. */
	byte[] document(String name, String why) throws IOException {
		Member member = require(name, why);
		if (member.size() > MAX_DOCUMENT) {
			throw new ArchiveRefused(why + ": '" + name + "' is " + member.size() + " bytes, more than the "
					+ MAX_DOCUMENT + " a manifest, index or config may have");
		}
		return Files.readAllBytes(member.file());
	}

	Set<String> names() {
		return this.members.keySet();
	}

	/** The ACI rootfs layer, when the archive had {@code rootfs/} members. */
	Optional<AciRootfs> rootfs() {
		return Optional.ofNullable(this.rootfs);
	}

	/** The appc image id: {@code sha512-<hex>} of the uncompressed archive. */
	String appcImageId() {
		return "sha512-" + this.sha512;
	}

	/** Stages bytes made by the import itself (an ACI's config and manifest). */
	Path write(byte[] content) throws IOException {
		Path file = this.directory.resolve("g" + (this.counter++));
		Files.write(file, content, StandardOpenOption.CREATE_NEW);
		return file;
	}

	@Override
	public void close() throws IOException {
		if (!Files.exists(this.directory)) {
			return;
		}
		try (Stream<Path> walk = Files.walk(this.directory)) {
			for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(p);
			}
		}
	}

	private static MessageDigest sha512() {
		try {
			return MessageDigest.getInstance("SHA-512");
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JDK has SHA-512", ex);
		}
	}

}
