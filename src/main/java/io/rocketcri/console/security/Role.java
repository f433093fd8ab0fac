package io.rocketcri.console.security;

import java.util.List;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * What a console user may do. A viewer reads everything (pods, containers, logs, images, events);
 * an admin also mutates (stop, remove, pull, prune), opens exec terminals and manages users and
 * tokens. Exec is root-equivalent inside a container, so it is never given to viewers.
 */
public enum Role {

	VIEWER, ADMIN;

	/** Spring authorities: an admin carries ROLE_VIEWER too, so "viewer or better" is one check. */
	public List<GrantedAuthority> authorities() {
		return switch (this) {
			case VIEWER -> List.of(new SimpleGrantedAuthority("ROLE_VIEWER"));
			case ADMIN -> List.of(new SimpleGrantedAuthority("ROLE_VIEWER"), new SimpleGrantedAuthority("ROLE_ADMIN"));
		};
	}

	/** Parses a role name case-insensitively; null when there is no such role. */
	public static Role parse(String name) {
		for (Role role : values()) {
			if (role.name().equalsIgnoreCase(name)) {
				return role;
			}
		}
		return null;
	}

}
