package io.rocketcri.image.content;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 digests in the OCI "algorithm:hex" form, the only algorithm registries use for images. */
public final class Digests {

	private Digests() {
	}

	/** {@code sha256:} and 64 lowercase hex digits; by hand, as ListContainers asks it of every container. */
	public static boolean isValid(String digest) {
		if (digest == null || digest.length() != 71 || !digest.startsWith("sha256:")) {
			return false;
		}
		for (int i = 7; i < 71; i++) {
			char c = digest.charAt(i);
			if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
				return false;
			}
		}
		return true;
	}

	public static String hex(String digest) {
		if (!isValid(digest)) {
			throw new IllegalArgumentException("not a sha256 digest: " + digest);
		}
		return digest.substring("sha256:".length());
	}

	public static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("the JDK always has SHA-256", ex);
		}
	}

	public static String of(byte[] bytes) {
		return format(sha256().digest(bytes));
	}

	public static String format(byte[] sha256) {
		return "sha256:" + HexFormat.of().formatHex(sha256);
	}

}
