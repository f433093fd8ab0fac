package io.rocketcri.image.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235): a scheme ({@code Bearer},
 * {@code Basic}) and its parameters, e.g. {@code Bearer realm="https://auth.docker.io/token",
 * service="registry.docker.io",scope="repository:library/busybox:pull"}.
 *
 * @param scheme lowercased, {@code bearer} or {@code basic} in practice
 * @param params parameter names lowercased, values unquoted
 */
record AuthChallenge(String scheme, Map<String, String> params) {

	AuthChallenge {
		params = Map.copyOf(params);
	}

	String realm() {
		return this.params.get("realm");
	}

	String service() {
		return this.params.get("service");
	}

	/**
	 * Parses all challenges in the given header values. A header may hold several challenges
	 * separated by commas, so a token not followed by {@code =} starts a new one.
	 */
	static List<AuthChallenge> parse(List<String> headerValues) {
		List<AuthChallenge> challenges = new ArrayList<>();
		for (String header : headerValues) {
			new Tokenizer(header).challenges(challenges);
		}
		return challenges;
	}

	private static final class Tokenizer {

		private final String text;

		private int pos;

		Tokenizer(String text) {
			this.text = text;
		}

		void challenges(List<AuthChallenge> into) {
			String scheme = null;
			Map<String, String> params = new LinkedHashMap<>();
			while (true) {
				skip(" \t,");
				if (this.pos >= this.text.length()) {
					break;
				}
				String token = token();
				if (token.isEmpty()) {
					this.pos++; // stray character: skip rather than loop
					continue;
				}
				skip(" \t");
				if (this.pos < this.text.length() && this.text.charAt(this.pos) == '=' && scheme != null) {
					this.pos++;
					skip(" \t");
					params.put(token.toLowerCase(Locale.ROOT), value());
				}
				else {
					if (scheme != null) {
						into.add(new AuthChallenge(scheme, params));
					}
					scheme = token.toLowerCase(Locale.ROOT);
					params = new LinkedHashMap<>();
				}
			}
			if (scheme != null) {
				into.add(new AuthChallenge(scheme, params));
			}
		}

		private String token() {
			int start = this.pos;
			while (this.pos < this.text.length() && " \t,=\"".indexOf(this.text.charAt(this.pos)) < 0) {
				this.pos++;
			}
			return this.text.substring(start, this.pos);
		}

		private String value() {
			if (this.pos >= this.text.length() || this.text.charAt(this.pos) != '"') {
				return token();
			}
			this.pos++;
			StringBuilder value = new StringBuilder();
			while (this.pos < this.text.length()) {
				char c = this.text.charAt(this.pos++);
				if (c == '"') {
					return value.toString();
				}
				if (c == '\\' && this.pos < this.text.length()) {
					c = this.text.charAt(this.pos++);
				}
				value.append(c);
			}
			return value.toString();
		}

		private void skip(String chars) {
			while (this.pos < this.text.length() && chars.indexOf(this.text.charAt(this.pos)) >= 0) {
				this.pos++;
			}
		}

	}

}
