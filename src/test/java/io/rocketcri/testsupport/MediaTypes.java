package io.rocketcri.testsupport;

/** Media types of the OCI image spec and of Docker's schema2, as registries serve them. */
public final class MediaTypes {

	public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
	public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
	public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
	public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
	public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
	public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

	public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
	public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
	public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
	public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
	/** Uncompressed Docker layer; not in Docker's spec text, but containerd and registries accept it. */
	public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar";
	/** zstd Docker layer; containerd's name for it (Docker's spec has none). */
	public static final String DOCKER_LAYER_ZSTD = "application/vnd.docker.image.rootfs.diff.tar.zstd";

	/** Layer media type of BuildKit's provenance / SBOM attestation manifests. */
	public static final String IN_TOTO = "application/vnd.in-toto+json";

	/** Every manifest type, for an {@code Accept} header. */
	public static final String ACCEPT_ALL_MANIFESTS = String.join(", ", OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST,
			DOCKER_MANIFEST);

	private MediaTypes() {
	}

}
