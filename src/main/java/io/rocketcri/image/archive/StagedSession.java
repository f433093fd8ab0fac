package io.rocketcri.image.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import io.rocketcri.image.registry.Descriptor;
import io.rocketcri.image.registry.Manifest;
import io.rocketcri.image.registry.Platform;
import io.rocketcri.image.registry.PullSession;
import io.rocketcri.image.registry.RegistryException;

/**
 * A {@link PullSession} over an archive's staged, already checked image, so that the image is
 * committed by the very code that commits a pull. The manifest is the image manifest (the
 * platform was chosen while reading the archive); blobs are read from staging.
 */
final class StagedSession implements PullSession {

	private final ArchiveImage image;

	private final String source;

	/** @param source what {@code pulledFrom} records, e.g. {@code archive:images.tar} */
	StagedSession(ArchiveImage image, String source) {
		this.image = image;
		this.source = source;
	}

	@Override
	public Manifest manifest(String tagOrDigest) {
		return this.image.manifest();
	}

	@Override
	public Manifest resolvePlatform(Manifest index, Platform platform) {
		return index;
	}

	@Override
	public InputStream openBlob(Descriptor descriptor) throws RegistryException {
		Path file = this.image.blobs().get(descriptor.digest());
		if (file == null) {
			throw new RegistryException("blob " + descriptor.digest() + " is not in the archive", this.source, 404);
		}
		try {
			return Files.newInputStream(file);
		}
		catch (IOException ex) {
			throw new RegistryException("reading staged blob " + descriptor.digest() + ": " + ex.getMessage(), this.source,
					0, ex);
		}
	}

	@Override
	public String endpointUsed() {
		return this.source;
	}

}
