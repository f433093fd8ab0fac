package io.rocketcri.image.content;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** sha256 digests in the OCI "algorithm:hex" form, the only algorithm registries use for images. */
public final class Digests {

	private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

	private Digests() {
	}

	public static boolean isValid(String digest) {
		return digest != null && SHA256.matcher(digest).matches();
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
