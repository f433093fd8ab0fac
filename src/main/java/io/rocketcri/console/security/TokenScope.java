package io.rocketcri.console.security;

import java.util.List;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * What a bearer token may do on {@code /api/**}: {@code read} is GET only, {@code write} is
 * everything a console admin may do through the API except managing users and tokens.
 */
public enum TokenScope {

	READ, WRITE;

	/** The same role authorities the URL rules check for console sessions, plus SCOPE_x. */
	List<GrantedAuthority> authorities() {
		return switch (this) {
			case READ -> List.of(new SimpleGrantedAuthority("SCOPE_read"), new SimpleGrantedAuthority("ROLE_VIEWER"));
			case WRITE -> List.of(new SimpleGrantedAuthority("SCOPE_write"), new SimpleGrantedAuthority("ROLE_VIEWER"),
					new SimpleGrantedAuthority("ROLE_ADMIN"));
		};
	}

	public String wireName() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

	/** Parses {@code read} / {@code write}; null when unknown. */
	public static TokenScope parse(String name) {
		for (TokenScope scope : values()) {
			if (scope.name().equalsIgnoreCase(name)) {
				return scope;
			}
		}
		return null;
	}

}
