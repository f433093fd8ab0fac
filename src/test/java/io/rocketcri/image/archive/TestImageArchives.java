package io.rocketcri.image.archive;

import java.util.Map;

import io.rocketcri.testsupport.BuiltImage;

/**
 * Image archives for tests outside this package (the console's browser test uploads one): the
 * public face of the package-private {@link ArchiveFixtures}.
 */
public final class TestImageArchives {

	private TestImageArchives() {
	}

	/** An OCI image layout tar of the images, each named by its key (io.containerd.image.name). */
	public static byte[] ociLayout(Map<String, BuiltImage> byName) {
		return ArchiveFixtures.ociLayout(byName);
	}

	/** A classic {@code docker save} tar of the images; their layers must be uncompressed. */
	public static byte[] dockerSave(Map<String, BuiltImage> byName) {
		return ArchiveFixtures.dockerSave(byName);
	}

}
