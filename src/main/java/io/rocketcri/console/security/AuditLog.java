package io.rocketcri.console.security;

import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Service;

/**
 * Who did what, when, through the console or the REST API: every mutating request, every exec
 * session, every sign-in. Written to H2 (the console and {@code GET /api/v1/audit} read it) and
 * to the {@code rocket.audit} logger, so it also reaches the journal. Never holds request bodies:
 * those may carry registry credentials.
 */
@Service
public class AuditLog {

	private static final Logger audit = LoggerFactory.getLogger("rocket.audit");

	private static final int MAX_FIELD = 1000;

	private final JdbcClient jdbc;

	AuditLog(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public void record(String actor, String action, String target, String outcome, String remoteAddr) {
		Instant now = Instant.now();
		audit.info("actor={} action=\"{}\" target={} outcome={} remote={}", actor, action, target, outcome, remoteAddr);
		jdbc.sql("INSERT INTO audit_event (at, actor, action, target, outcome, remote_addr) VALUES (?, ?, ?, ?, ?, ?)")
			.params(now.toEpochMilli(), cut(actor, 160), cut(action, 512), cut(target, MAX_FIELD), cut(outcome, 64),
					cut(remoteAddr, 64))
			.update();
	}

	/** The newest events first. */
	public List<AuditEvent> recent(int limit) {
		return jdbc.sql("SELECT * FROM audit_event ORDER BY id DESC LIMIT ?")
			.param(Math.max(1, Math.min(limit, 10_000)))
			.query((rs, n) -> new AuditEvent(rs.getLong("id"), Instant.ofEpochMilli(rs.getLong("at")),
					rs.getString("actor"), rs.getString("action"), rs.getString("target"), rs.getString("outcome"),
					rs.getString("remote_addr")))
			.list();
	}

	@EventListener
	void on(AuthenticationSuccessEvent event) {
		if (event.getAuthentication() instanceof BearerAuthentication) {
			return; // a token use is not a sign-in; its requests are audited one by one
		}
		record(event.getAuthentication().getName(), "sign-in", null, "ok", remote(event.getAuthentication().getDetails()));
	}

	@EventListener
	void on(AbstractAuthenticationFailureEvent event) {
		record(event.getAuthentication().getName(), "sign-in", null,
				"failed: " + event.getException().getClass().getSimpleName(),
				remote(event.getAuthentication().getDetails()));
	}

	private static String remote(Object details) {
		return details instanceof WebAuthenticationDetails web ? web.getRemoteAddress() : null;
	}

	private static String cut(String value, int max) {
		return value == null || value.length() <= max ? value : value.substring(0, max);
	}

}
