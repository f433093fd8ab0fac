package io.rocketcri.image.reference;

import java.util.regex.Pattern;

/**
 * The pieces of the docker reference grammar (distribution's reference package, as documented
 * there), kept as patterns so that each rule can be checked separately and reported by name.
 */
final class ReferenceGrammar {

	/** Repository names (domain + path) are capped at 255 characters by the grammar. */
	static final int MAX_NAME_LENGTH = 255;

	/** A DNS label: alphanumerics with inner hyphens. */
	private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";

	/** Host names, IPv4 addresses (a special case of host names) and bracketed IPv6, then a port. */
	static final Pattern DOMAIN = Pattern
		.compile("(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");

	/** Lowercase alphanumerics joined by '.', '_', '__' or runs of '-'. */
	static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");

	static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

	/** "algorithm:encoded" in its general form; the supported algorithms are checked separately. */
	static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");

	static final Pattern SHA256_HEX = Pattern.compile("[a-f0-9]{64}");

	static final Pattern SHA512_HEX = Pattern.compile("[a-f0-9]{128}");

	/** A bare 64-hex string is an image id, which docker refuses to read as a repository name. */
	static final Pattern IMAGE_ID = SHA256_HEX;

	private ReferenceGrammar() {
	}

	/**
	 * Why the digest is not usable, or null when it is. Only sha256 and sha512 are accepted: those
	 * are the algorithms OCI registers and the only ones the puller can verify.
	 */
	static String digestProblem(String digest) {
		if (!DIGEST.matcher(digest).matches()) {
			return "digest \"" + digest + "\" is not of the form algorithm:hex";
		}
		int colon = digest.indexOf(':');
		String algorithm = digest.substring(0, colon);
		String encoded = digest.substring(colon + 1);
		return switch (algorithm) {
			case "sha256" -> SHA256_HEX.matcher(encoded).matches() ? null
					: "sha256 digest must be 64 lowercase hex characters, got " + encoded.length() + " in \"" + digest
							+ "\"";
			case "sha512" -> SHA512_HEX.matcher(encoded).matches() ? null
					: "sha512 digest must be 128 lowercase hex characters, got " + encoded.length() + " in \""
							+ digest + "\"";
			default -> "unsupported digest algorithm \"" + algorithm + "\" (sha256 and sha512 are supported)";
		};
	}

}
