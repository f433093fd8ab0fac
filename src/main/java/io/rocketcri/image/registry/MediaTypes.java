package io.rocketcri.image.registry;

import java.util.Set;

/** The media types a puller meets: OCI image-spec and the Docker schema2 formats it grew out of. */
public final class MediaTypes {

	public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

	public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

	public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

	public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";

	public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

	public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

	/** Deprecated by image-spec 1.1 but still found in Windows-derived images. */
	public static final String OCI_LAYER_NONDISTRIBUTABLE_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

	public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

	public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

	public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

	public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

	public static final String DOCKER_FOREIGN_LAYER_GZIP = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

	/** Docker schema1, unsigned. Rejected: no content-addressable config, removed from registries. */
	public static final String DOCKER_SCHEMA1_MANIFEST = "application/vnd.docker.distribution.manifest.v1+json";

	/** Docker schema1, signed (JWS). Rejected, see {@link #DOCKER_SCHEMA1_MANIFEST}. */
	public static final String DOCKER_SCHEMA1_SIGNED_MANIFEST = "application/vnd.docker.distribution.manifest.v1+prettyjws";

	/**
	 * The {@code Accept} header for manifest requests: the four formats we can read. Without it
	 * registries fall back to schema1 or refuse.
	 */
	public static final String MANIFEST_ACCEPT = String.join(", ", OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST,
			DOCKER_MANIFEST);

	private static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);

	private static final Set<String> IMAGE_MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);

	private static final Set<String> SCHEMA1 = Set.of(DOCKER_SCHEMA1_MANIFEST, DOCKER_SCHEMA1_SIGNED_MANIFEST);

	private MediaTypes() {
	}

	/** An OCI index or a Docker manifest list. */
	public static boolean isIndex(String mediaType) {
		return mediaType != null && INDEXES.contains(mediaType);
	}

	/** An OCI image manifest or a Docker schema2 manifest. */
	public static boolean isImageManifest(String mediaType) {
		return mediaType != null && IMAGE_MANIFESTS.contains(mediaType);
	}

	/** Docker schema1, signed or not. */
	public static boolean isSchema1(String mediaType) {
		return mediaType != null && SCHEMA1.contains(mediaType);
	}

}
