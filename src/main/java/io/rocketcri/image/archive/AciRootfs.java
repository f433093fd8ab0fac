package io.rocketcri.image.archive;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import io.rocketcri.image.content.Digests;
import io.rocketcri.image.snapshot.TarEntry;

/**
 * The {@code rootfs/} of an ACI turned into one gzip-compressed OCI layer while the archive is
 * read: every member re-written with its name relative to rootfs (so {@code rootfs/bin/sh} becomes
 * {@code bin/sh}, and rootfs itself the layer root {@code ./}), everything else kept (modes, owners,
 * times, xattrs, devices, link targets). Members are checked by {@link LayerSafety} on the way, so
 * the layer the unpacker later sees is one it will apply whole.
 *
 * <p>Owners are remembered per path because an appc {@code user} or {@code group} may be a path in
 * the image ("/usr/bin/ping"), meaning the owner of that file. Not thread-safe.
 */
final class AciRootfs {

	static final String PREFIX = "rootfs";

	/** uid and gid of a member of the rootfs. */
	record Owner(int uid, int gid) {
	}

	private final Path file;

	private final MessageDigest compressedDigest = Digests.sha256();

	private final MessageDigest tarDigest = Digests.sha256();

	private final OutputStream fileStream;

	private final GZIPOutputStream gzip;

	private final TarWriter tar;

	private final LayerSafety safety = new LayerSafety("ACI rootfs");

	private final Map<String, Owner> owners = new HashMap<>();

	private boolean finished;

	private String diffId;

	private String digest;

	AciRootfs(Path file) throws IOException {
		this.file = file;
		this.fileStream = new DigestOutputStream(
				new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)), this.compressedDigest);
		this.gzip = new GZIPOutputStream(this.fileStream, 64 * 1024);
		this.tar = new TarWriter(new BufferedOutputStream(new DigestOutputStream(this.gzip, this.tarDigest), 64 * 1024));
	}

	/**
	 * Adds the archive member {@code entry} whose normalised name is {@code name} ("rootfs" or
	 * "rootfs/…").
	 */
	void add(String name, TarEntry entry, InputStream content) throws IOException {
		String relative = name.equals(PREFIX) ? "." : name.substring(PREFIX.length() + 1);
		String linkName = entry.linkName();
		if (entry.type() == TarEntry.TYPE_HARDLINK) {
			// Hard link targets are archive member names: they must be inside rootfs too.
			String target = ArchivePaths.normalise(linkName);
			if (!target.startsWith(PREFIX + "/")) {
				throw new ArchiveRefused("ACI rootfs: hard link '" + name + "' points outside rootfs, to '" + linkName + "'");
			}
			linkName = target.substring(PREFIX.length() + 1);
		}
		boolean directory = entry.type() == TarEntry.TYPE_DIRECTORY;
		TarEntry rewritten = new TarEntry(directory && !relative.equals(".") ? relative + "/" : relative.equals(".") ? "./" : relative,
				entry.type(), entry.mode(), entry.uid(), entry.gid(), entry.size(), entry.mtimeEpochNanos(), linkName,
				entry.devMajor(), entry.devMinor(), entry.xattrs());
		this.safety.check(rewritten);
		if (entry.type() == TarEntry.TYPE_HARDLINK) {
			Owner target = this.owners.get("/" + linkName);
			if (target != null) {
				this.owners.put("/" + relative, target);
			}
		}
		else {
			this.owners.put(relative.equals(".") ? "/" : "/" + relative, new Owner(entry.uid(), entry.gid()));
		}
		this.tar.write(rewritten, content);
	}

	/** Ends the layer; after this the digests and the file are final. */
	void finish() throws IOException {
		if (this.finished) {
			return;
		}
		this.finished = true;
		this.tar.finish();
		this.gzip.finish();
		this.fileStream.close();
		this.diffId = Digests.format(this.tarDigest.digest());
		this.digest = Digests.format(this.compressedDigest.digest());
	}

	/** Closes the file after a failure; the staging directory is deleted by its owner. */
	void abandon() {
		try {
			this.fileStream.close();
		}
		catch (IOException ex) {
			// the staged file is deleted with the staging directory
		}
	}

	/** The layer's diff id: sha256 of the tar written. */
	String diffId() {
		return this.diffId;
	}

	/** sha256 of the compressed layer blob. */
	String digest() {
		return this.digest;
	}

	Path file() {
		return this.file;
	}

	long size() throws IOException {
		return Files.size(this.file);
	}

	/** The owner of the member at absolute {@code path}, as the rootfs has it. */
	Optional<Owner> owner(String path) {
		return Optional.ofNullable(this.owners.get(path));
	}

}
