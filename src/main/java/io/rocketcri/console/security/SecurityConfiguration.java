package io.rocketcri.console.security;

import java.util.function.Supplier;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * Three filter chains, most specific first:
 * <ol>
 * <li>{@code /actuator/**}: open. Health probes and Prometheus scrapes carry no credentials on any
 * runtime (containerd and CRI-O serve metrics unauthenticated); the HTTP port is bound to
 * 127.0.0.1 by default.</li>
 * <li>{@code /api/**} and the OpenAPI document: a bearer token (read → GET, write → all), or the
 * console's session so that the console's own scripts can use the API. CSRF is checked only for
 * session-authenticated requests: a bearer header is not sent by browsers on their own.</li>
 * <li>Everything else is the console: form login, viewers read, admins change things, open
 * exec terminals and see who has access; a strict CSP (no inline scripts) and CSRF tokens.</li>
 * </ol>
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	/**
	 * Scripts only from our origin; styles may be set inline because xterm.js and uPlot write
	 * computed styles at run time. No framing, no plugins, forms post only to us.
	 */
	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
			+ "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; "
			+ "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

	static final String[] PUBLIC_ASSETS = { "/login", "/css/**", "/js/**", "/vendor/**", "/favicon.ico", "/error" };

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	@Order(1)
	SecurityFilterChain actuatorChain(HttpSecurity http) throws Exception {
		return http.securityMatcher("/actuator/**")
			.authorizeHttpRequests(a -> a.anyRequest().permitAll())
			.csrf(c -> c.disable())
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain apiChain(HttpSecurity http, ApiTokens tokens, ProblemWriter problems, AuditLog audit)
			throws Exception {
		return http.securityMatcher("/api/**", "/v3/api-docs/**", "/v3/api-docs")
			.authorizeHttpRequests(a -> a
				.requestMatchers("/api/v1/users/me", "/api/v1/users/me/**").hasRole("VIEWER")
				// people and tokens are managed by people: a leaked CI token must not mint more
				.requestMatchers("/api/v1/tokens/**", "/api/v1/tokens", "/api/v1/users", "/api/v1/users/*")
				.access(signedInAdmin())
				.requestMatchers("/api/v1/audit").hasRole("ADMIN")
				.requestMatchers(HttpMethod.GET).hasRole("VIEWER")
				.requestMatchers(HttpMethod.HEAD).hasRole("VIEWER")
				.anyRequest()
				.hasRole("ADMIN"))
			.addFilterAt(new BearerTokenFilter(tokens, problems), BasicAuthenticationFilter.class)
			.addFilterAfter(new AuditFilter(audit), AuthorizationFilter.class)
			.csrf(c -> c.ignoringRequestMatchers(BearerTokenFilter::carriesBearer))
			// use the console's session when there is one, never start one for an API client
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.NEVER))
			.requestCache(r -> r.disable())
			.exceptionHandling(e -> e
				.authenticationEntryPoint((request, response, ex) -> {
					response.setHeader("WWW-Authenticate", "Bearer");
					problems.write(request, response, 401, "unauthenticated",
							"sign in to the console or send Authorization: Bearer <token>");
				})
				.accessDeniedHandler((request, response, ex) -> {
					audit.record(AuditFilter.actor(org.springframework.security.core.context.SecurityContextHolder
						.getContext()
						.getAuthentication()), request.getMethod() + " " + request.getRequestURI(), null, "denied",
							request.getRemoteAddr());
					problems.write(request, response, 403, "forbidden", deniedDetail(request));
				}))
			.headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives("default-src 'none'; frame-ancestors 'none'")))
			.build();
	}

	@Bean
	@Order(3)
	SecurityFilterChain consoleChain(HttpSecurity http, AuditLog audit) throws Exception {
		return http
			.authorizeHttpRequests(a -> a.requestMatchers(PUBLIC_ASSETS)
				.permitAll()
				.requestMatchers("/console/exec/**")
				.hasRole("ADMIN")
				// the Access page's users, tokens and audit tables: who may sign in is not for viewers
				.requestMatchers("/access/users", "/access/tokens", "/access/audit")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.GET)
				.hasRole("VIEWER")
				.requestMatchers(HttpMethod.HEAD)
				.hasRole("VIEWER")
				.anyRequest()
				.hasRole("ADMIN"))
			.formLogin(f -> f.loginPage("/login").permitAll())
			.logout(l -> l.logoutSuccessUrl("/login?logout"))
			.addFilterAfter(new AuditFilter(audit), AuthorizationFilter.class)
			.headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(CONTENT_SECURITY_POLICY))
				.frameOptions(f -> f.deny())
				.referrerPolicy(r -> r.policy(ReferrerPolicy.SAME_ORIGIN)))
			.build();
	}

	/** Admin, and signed in as a person: API tokens never manage users or tokens. */
	private static AuthorizationManager<RequestAuthorizationContext> signedInAdmin() {
		return (Supplier<? extends Authentication> authentication, RequestAuthorizationContext context) -> {
			Authentication who = authentication.get();
			boolean admin = who != null && who.isAuthenticated() && !(who instanceof BearerAuthentication)
					&& who.getAuthorities().stream().anyMatch(a -> "ROLE_ADMIN".equals(a.getAuthority()));
			return new AuthorizationDecision(admin);
		};
	}

	private static String deniedDetail(jakarta.servlet.http.HttpServletRequest request) {
		String path = request.getRequestURI();
		if (path.startsWith("/api/v1/tokens") || (path.startsWith("/api/v1/users") && !path.startsWith("/api/v1/users/me"))) {
			return "managing users and tokens needs an admin signed in to the console (tokens cannot do it)";
		}
		return switch (request.getMethod()) {
			case "GET", "HEAD" -> "this needs the viewer role or a read token";
			default -> "changing the node needs the admin role or a write token";
		};
	}

}
