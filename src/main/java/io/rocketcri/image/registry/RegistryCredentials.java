package io.rocketcri.image.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The credentials kubelet sends in the CRI {@code AuthConfig}, or that a docker config.json
 * holds for a host. Every field is optional (null or empty).
 *
 * @param username user for Basic auth, or for the token endpoint
 * @param password its password
 * @param auth base64 of {@code username:password}, the form config.json stores
 * @param serverAddress the registry these credentials are meant for; when set they are only sent
 * to that registry, never to a mirror on another host
 * @param identityToken an OAuth2 refresh token, exchanged at the token endpoint
 * @param registryToken a bearer token sent to the registry as is
 */
public record RegistryCredentials(String username, String password, String auth, String serverAddress,
		String identityToken, String registryToken) {

	/** No credentials: pull anonymously. */
	public static final RegistryCredentials NONE = new RegistryCredentials(null, null, null, null, null, null);

	/** Username and password only. */
	public static RegistryCredentials basic(String username, String password) {
		return new RegistryCredentials(username, password, null, null, null, null);
	}

	/** True when there is nothing to authenticate with (a server address alone does not count). */
	public boolean isEmpty() {
		return blank(this.username) && blank(this.password) && blank(this.auth) && blank(this.identityToken)
				&& blank(this.registryToken);
	}

	/**
	 * The {@code username:password} pair for Basic auth, from the explicit fields or else from the
	 * base64 {@code auth} field; null when neither is given.
	 * @throws IllegalArgumentException when {@code auth} is not base64 of {@code user:password}
	 */
	String userInfo() {
		if (!blank(this.username)) {
			return this.username + ":" + ((this.password != null) ? this.password : "");
		}
		if (blank(this.auth)) {
			return null;
		}
		String decoded;
		try {
			decoded = new String(Base64.getDecoder().decode(this.auth.strip()), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("the auth field is not base64: " + ex.getMessage(), ex);
		}
		if (decoded.indexOf(':') < 0) {
			throw new IllegalArgumentException("the auth field does not decode to username:password");
		}
		return decoded;
	}

	static boolean blank(String value) {
		return value == null || value.isBlank();
	}

	/** Never prints secrets: these end up in logs and exception messages. */
	@Override
	public String toString() {
		return "RegistryCredentials[username=" + this.username + ", serverAddress=" + this.serverAddress
				+ (blank(this.password) ? "" : ", password=***") + (blank(this.auth) ? "" : ", auth=***")
				+ (blank(this.identityToken) ? "" : ", identityToken=***")
				+ (blank(this.registryToken) ? "" : ", registryToken=***") + "]";
	}

}
