package io.rocketcri.image.registry;

import java.io.InputStream;

/**
 * The registry side of pulling one image reference: the endpoints to try (mirrors first), the
 * credentials, and which endpoint answered. Obtained from {@link RegistryClient#open}; meant for
 * one pull, though blobs may be opened from several threads.
 */
public interface PullSession {

	/**
	 * GETs the manifest for a tag or digest, trying the endpoints in order: a failing mirror falls
	 * through to the next endpoint, and when all fail the last error is thrown with the earlier
	 * attempts listed. When fetched by digest, the digest of the raw bytes is verified. Docker
	 * schema1 manifests are rejected.
	 * @param tagOrDigest a tag, or {@code sha256:…}
	 */
	Manifest manifest(String tagOrDigest) throws RegistryException;

	/**
	 * Picks the child of an index for a platform (arm64 without variant means v8; attestation
	 * entries are skipped) and fetches it. A manifest that is not an index is returned as is.
	 * @throws RegistryException "no manifest for linux/amd64 in …, available: …" when none fits
	 */
	Manifest resolvePlatform(Manifest index, Platform platform) throws RegistryException;

	/**
	 * Streams a blob, from the endpoint that served the manifest first. Redirects are followed,
	 * without the {@code Authorization} header when they lead to another host. The caller checks
	 * size and digest while reading, and closes the stream.
	 */
	InputStream openBlob(Descriptor descriptor) throws RegistryException;

	/** The host that served the last manifest, e.g. {@code 127.0.0.1:5000}; null before any. */
	String endpointUsed();

}
