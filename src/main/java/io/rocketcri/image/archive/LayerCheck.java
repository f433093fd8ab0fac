package io.rocketcri.image.archive;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;

import io.rocketcri.image.content.Digests;
import io.rocketcri.image.snapshot.LayerCompression;
import io.rocketcri.image.snapshot.TarEntry;
import io.rocketcri.image.snapshot.TarReader;

/**
 * Reads a staged layer blob once before anything is committed: every member through
 * {@link LayerSafety}, and the uncompressed stream's digest against the config's diff id. What
 * passes here the layer unpacker applies whole, so a hostile or corrupt layer is refused with
 * nothing stored rather than half way through a commit.
 */
final class LayerCheck {

	private LayerCheck() {
	}

	static void check(Path blob, String expectedDiffId, String what) throws IOException {
		MessageDigest sha256 = Digests.sha256();
		LayerSafety safety = new LayerSafety(what);
		try (BufferedInputStream buffered = new BufferedInputStream(Files.newInputStream(blob), 64 * 1024)) {
			LayerCompression compression;
			try {
				compression = LayerCompression.detect(buffered);
			}
			catch (IOException ex) {
				throw new ArchiveRefused(what + ": " + ex.getMessage(), ex);
			}
			try (InputStream plain = compression.open(buffered);
					DigestInputStream tar = new DigestInputStream(new BufferedInputStream(plain, 64 * 1024), sha256)) {
				TarReader reader = new TarReader(tar);
				TarEntry entry;
				while ((entry = reader.next()) != null) {
					safety.check(entry);
				}
				tar.transferTo(OutputStream.nullOutputStream());
			}
			catch (ArchiveRefused ex) {
				throw ex;
			}
			catch (IOException ex) {
				// the blob is a staged local file: a read failure is the content's (corrupt tar or compression)
				throw new ArchiveRefused(what + ": not a readable layer: " + ex.getMessage(), ex);
			}
		}
		String diffId = Digests.format(sha256.digest());
		if (!diffId.equals(expectedDiffId)) {
			throw new ArchiveRefused(what + ": digest mismatch: the uncompressed layer is " + diffId
					+ ", the image config says " + expectedDiffId);
		}
	}

}
