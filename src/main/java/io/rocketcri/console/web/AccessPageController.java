package io.rocketcri.console.web;

import java.util.List;
import java.util.Locale;

import io.rocketcri.console.security.ApiToken;
import io.rocketcri.console.security.ApiTokens;
import io.rocketcri.console.security.AuditEvent;
import io.rocketcri.console.security.AuditLog;
import io.rocketcri.console.security.ConsoleUser;
import io.rocketcri.console.security.ConsoleUsers;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Who you are and your password, for everyone; console users, API tokens and the audit log for
 * admins. Read-only: the page's script makes every change through the REST API
 * ({@code /api/v1/users}, {@code /api/v1/tokens}), which owns the rules (last admin, password
 * length, secrets shown once), then fetches the changed table again from here. The admin tables'
 * URLs are admin-only in the console's filter chain; the page itself leaves them out for viewers.
 */
@Controller
class AccessPageController {

	/** As many audit events as the page shows; GET /api/v1/audit reaches further back. */
	static final int AUDIT_EVENTS = 100;

	private final ConsoleUsers users;

	private final ApiTokens tokens;

	private final AuditLog audit;

	AccessPageController(ConsoleUsers users, ApiTokens tokens, AuditLog audit) {
		this.users = users;
		this.tokens = tokens;
		this.audit = audit;
	}

	record UserRow(String username, String role, String created) {
	}

	/** A token as listed: never its secret, which only the answer that created it carried. */
	record TokenRow(String id, String name, String scope, String createdBy, String created, String expires,
			String lastUsed) {
	}

	/** @param failed the request was refused or went wrong (denied, a 4xx or 5xx, a failed sign-in) */
	record AuditRow(String time, String actor, String action, String target, String outcome, boolean failed,
			String remoteAddr) {
	}

	@GetMapping("/access")
	String page(Authentication who, Model model) {
		model.addAttribute("me", who.getName());
		model.addAttribute("roles", roles(who));
		if (roles(who).contains("admin")) {
			model.addAttribute("users", userRows());
			model.addAttribute("tokens", tokenRows());
			model.addAttribute("audit", auditRows());
		}
		return "access";
	}

	@GetMapping("/access/users")
	String usersTable(Model model) {
		model.addAttribute("users", userRows());
		return "access :: users";
	}

	@GetMapping("/access/tokens")
	String tokensTable(Model model) {
		model.addAttribute("tokens", tokenRows());
		return "access :: tokens";
	}

	@GetMapping("/access/audit")
	String auditTable(Model model) {
		model.addAttribute("audit", auditRows());
		return "access :: audit";
	}

	/** The roles without Spring's ROLE_ prefix (and without its FACTOR_* sign-in authorities). */
	private static List<String> roles(Authentication who) {
		return who.getAuthorities()
			.stream()
			.map(GrantedAuthority::getAuthority)
			.filter(a -> a != null && a.startsWith("ROLE_"))
			.map(a -> a.substring("ROLE_".length()).toLowerCase(Locale.ROOT))
			.sorted()
			.toList();
	}

	private List<UserRow> userRows() {
		return users.list().stream().map(AccessPageController::row).toList();
	}

	private static UserRow row(ConsoleUser u) {
		return new UserRow(u.username(), u.role().name().toLowerCase(Locale.ROOT), Formats.time(u.createdTime()));
	}

	private List<TokenRow> tokenRows() {
		return tokens.list().stream().map(AccessPageController::row).toList();
	}

	private static TokenRow row(ApiToken t) {
		return new TokenRow(t.id(), t.name(), t.scope().wireName(), t.createdBy(), Formats.time(t.createdTime()),
				t.expiresTime() == null ? "never" : Formats.time(t.expiresTime()),
				t.lastUsedTime() == null ? "never" : Formats.time(t.lastUsedTime()));
	}

	private List<AuditRow> auditRows() {
		return audit.recent(AUDIT_EVENTS).stream().map(AccessPageController::row).toList();
	}

	private static AuditRow row(AuditEvent e) {
		String outcome = e.outcome() == null ? "" : e.outcome();
		boolean failed = outcome.startsWith("4") || outcome.startsWith("5") || outcome.startsWith("denied")
				|| outcome.startsWith("failed") || outcome.startsWith("error");
		return new AuditRow(Formats.time(e.time()), e.actor(), e.action(), e.target() == null ? "" : e.target(), outcome,
				failed, e.remoteAddr() == null ? "" : e.remoteAddr());
	}

}
