package io.rocketcri.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A user name and password for a registry's basic auth. */
public record RegistryCredentials(String username, String password) {

	public RegistryCredentials {
		if (username.isEmpty() || username.contains(":") || username.contains("\n") || password.contains("\n")) {
			throw new IllegalArgumentException("user name must be non-empty without ':' or newline, password without newline");
		}
	}

	/** The value of an {@code Authorization} header: {@code Basic base64(user:password)}. */
	public String basicAuthorization() {
		return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public String toString() {
		return "RegistryCredentials[" + username + ", ****]";
	}

}
