package io.rocketcri.image.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Content digests: checking their form before they go into a URL, and computing them. */
final class Digests {

	private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

	private static final Pattern SHA512 = Pattern.compile("sha512:[a-f0-9]{128}");

	private Digests() {
	}

	/**
	 * Whether a digest is one we can verify. Checked before a digest taken from a manifest is put
	 * into a request path, so a hostile index cannot smuggle {@code ../} into a URL.
	 */
	static boolean valid(String digest) {
		return digest != null && (SHA256.matcher(digest).matches() || SHA512.matcher(digest).matches());
	}

	/** {@code sha256:<hex>} of the bytes. */
	static String sha256(byte[] data) {
		return of("sha256", data);
	}

	/** The digest of {@code data} with the algorithm {@code expected} names. */
	static String sameAlgorithm(String expected, byte[] data) {
		return of(expected.substring(0, expected.indexOf(':')), data);
	}

	private static String of(String algorithm, byte[] data) {
		try {
			String jca = algorithm.equals("sha512") ? "SHA-512" : "SHA-256";
			return algorithm + ":" + HexFormat.of().formatHex(MessageDigest.getInstance(jca).digest(data));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("the JDK always has SHA-256 and SHA-512", ex);
		}
	}

}
