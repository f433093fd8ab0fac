package io.rocketcri.console.security;

import java.io.IOException;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Writes an audit line for each mutating request that got past authorization, with the status it
 * ended in, and for each exec terminal opened (a GET upgrade, but root-equivalent).
 */
final class AuditFilter extends OncePerRequestFilter {

	private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

	private final AuditLog log;

	AuditFilter(AuditLog log) {
		this.log = log;
	}

	static boolean audited(HttpServletRequest request) {
		return !READS.contains(request.getMethod()) || request.getRequestURI().startsWith("/console/exec/");
	}

	static String actor(Authentication authentication) {
		return authentication == null ? "anonymous" : authentication.getName();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!audited(request)) {
			chain.doFilter(request, response);
			return;
		}
		String actor = actor(SecurityContextHolder.getContext().getAuthentication());
		String action = request.getMethod() + " " + request.getRequestURI();
		String outcome = "error";
		try {
			chain.doFilter(request, response);
			outcome = request.isAsyncStarted() ? "started" : Integer.toString(response.getStatus());
		}
		finally {
			log.record(actor, action, null, outcome, request.getRemoteAddr());
		}
	}

}
