package io.rocketcri.testsupport;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content-addressed bytes as a registry stores them: a layer, a config, a manifest or an index.
 *
 * @param mediaType the media type a descriptor (or a manifest PUT) gives for these bytes
 * @param bytes     the exact bytes pushed and served
 * @param digest    {@code sha256:<hex>} of {@code bytes}
 */
public record Blob(String mediaType, byte[] bytes, String digest) {

	/** Bytes with their sha256 digest computed. */
	public static Blob of(String mediaType, byte[] bytes) {
		return new Blob(mediaType, bytes, sha256(bytes));
	}

	public long size() {
		return bytes.length;
	}

	/** {@code sha256:<lowercase hex>} of the bytes, the form registries and image configs use. */
	public static String sha256(byte[] bytes) {
		try {
			return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	@Override
	public String toString() {
		return "Blob[" + mediaType + ", " + digest + ", " + bytes.length + " bytes]";
	}

}
