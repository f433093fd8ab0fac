package io.rocketcri.store;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Pod and container ids: 64 random hex digits, as kubelet and crictl expect (and shorten to 13). */
public final class Ids {

	private static final SecureRandom RANDOM = new SecureRandom();

	private Ids() {
	}

	public static String newId() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

}
