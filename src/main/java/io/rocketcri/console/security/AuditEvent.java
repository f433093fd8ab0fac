package io.rocketcri.console.security;

import java.time.Instant;

/**
 * One audited action.
 *
 * @param actor the user name, {@code token:<name>} for API tokens, or {@code anonymous}
 * @param action what was asked, e.g. {@code DELETE /api/v1/pods/3f2a…} or {@code exec}
 * @param target the object acted on when known (container id, user name), else null
 * @param outcome HTTP status, {@code denied}, {@code started}, {@code ok} or an error code
 */
public record AuditEvent(long id, Instant time, String actor, String action, String target, String outcome,
		String remoteAddr) {
}
