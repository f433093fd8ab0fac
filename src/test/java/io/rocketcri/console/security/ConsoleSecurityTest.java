package io.rocketcri.console.security;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import io.rocketcri.testsupport.RuntimeUnderTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The three filter chains with the real users, tokens and audit tables: sign-in, roles, bearer
 * scopes, CSRF, the first admin, and problem+json for what security refuses.
 */
@SpringBootTest
@AutoConfigureMockMvc
class ConsoleSecurityTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("console-security");

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		runtime.register(registry);
	}

	@Autowired
	MockMvc mvc;

	@Autowired
	ConsoleUsers users;

	@Autowired
	ApiTokens tokens;

	@Autowired
	AuditLog audit;

	@Autowired
	InitialAdmin initialAdmin;

	@Test
	void firstStartCreatesAnAdminWhosePasswordOnlyRootCanReadOnce() throws Exception {
		var file = initialAdmin.passwordFile();
		assertThat(file).exists();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
			.isEqualTo("rwx------");
		String password = Files.readString(file).strip();

		mvc.perform(formLogin("/login").user("admin").password("wrong-password-123"))
			.andExpect(redirectedUrl("/login?error"));
		assertThat(file).as("a failed sign-in keeps the file").exists();

		mvc.perform(formLogin("/login").user("admin").password(password)).andExpect(redirectedUrl("/"));
		assertThat(file).as("read once: gone after admin's first sign-in").doesNotExist();
		assertThat(audit.recent(20)).anySatisfy(e -> {
			assertThat(e.actor()).isEqualTo("admin");
			assertThat(e.action()).isEqualTo("sign-in");
			assertThat(e.outcome()).isEqualTo("ok");
		});
	}

	@Test
	void consolePagesNeedASignIn() throws Exception {
		mvc.perform(get("/pods")).andExpect(status().isFound()).andExpect(redirectedUrl("/login"));
	}

	@Test
	void apiWithoutCredentialsIsProblemJson401() throws Exception {
		mvc.perform(get("/api/v1/pods"))
			.andExpect(status().isUnauthorized())
			.andExpect(content().contentType("application/problem+json"))
			.andExpect(header().string("WWW-Authenticate", "Bearer"))
			.andExpect(jsonPath("$.code").value("unauthenticated"))
			.andExpect(jsonPath("$.status").value(401))
			.andExpect(jsonPath("$.instance").value("/api/v1/pods"));
	}

	@Test
	void aWrongBearerTokenIs401EvenWithASession() throws Exception {
		MockHttpSession session = signIn("alice-admin", Role.ADMIN);
		mvc.perform(get("/api/v1/users/me").session(session).header("Authorization", "Bearer rcri_not-a-token"))
			.andExpect(status().isUnauthorized())
			.andExpect(jsonPath("$.code").value("unauthenticated"));
	}

	@Test
	void readTokensReadAndWriteTokensWriteButNeitherManagesTokens() throws Exception {
		String read = tokens.create("ci-read", TokenScope.READ, null, "test").secret();
		String write = tokens.create("ci-write", TokenScope.WRITE, Duration.ofDays(1), "test").secret();

		mvc.perform(get("/api/v1/users/me").header("Authorization", "Bearer " + read))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.username").value("token:ci-read"));
		mvc.perform(post("/api/v1/images/prune").header("Authorization", "Bearer " + read))
			.andExpect(status().isForbidden())
			.andExpect(content().contentType("application/problem+json"))
			.andExpect(jsonPath("$.code").value("forbidden"));
		mvc.perform(post("/api/v1/tokens").header("Authorization", "Bearer " + write)
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"name\":\"more\",\"scope\":\"write\"}"))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("tokens cannot")));
		assertThat(audit.recent(50)).anySatisfy(e -> {
			assertThat(e.actor()).isEqualTo("token:ci-read");
			assertThat(e.outcome()).isEqualTo("denied");
		});
	}

	@Test
	void anAdminCreatesAndRevokesATokenAndTheSecretIsShownOnce() throws Exception {
		MockHttpSession session = signIn("bob-admin", Role.ADMIN);
		MvcResult created = mvc
			.perform(post("/api/v1/tokens").session(session)
				.with(csrf())
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"name\":\"pipeline\",\"scope\":\"read\",\"expiresInDays\":30}"))
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.token.scope").value("READ"))
			.andReturn();
		String body = created.getResponse().getContentAsString();
		String secret = com.jayway.jsonpath.JsonPath.read(body, "$.secret");
		String id = com.jayway.jsonpath.JsonPath.read(body, "$.token.id");
		assertThat(secret).startsWith("rcri_");

		mvc.perform(get("/api/v1/tokens").session(session))
			.andExpect(status().isOk())
			.andExpect(content().string(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(secret))));
		mvc.perform(get("/api/v1/users/me").header("Authorization", "Bearer " + secret)).andExpect(status().isOk());

		mvc.perform(delete("/api/v1/tokens/" + id).session(session).with(csrf())).andExpect(status().isNoContent());
		mvc.perform(get("/api/v1/users/me").header("Authorization", "Bearer " + secret))
			.andExpect(status().isUnauthorized());
		assertThat(audit.recent(50)).anySatisfy(e -> {
			assertThat(e.actor()).isEqualTo("bob-admin");
			assertThat(e.action()).isEqualTo("DELETE /api/v1/tokens/" + id);
			assertThat(e.outcome()).isEqualTo("204");
		});
	}

	@Test
	void sessionMutationsOverTheApiNeedTheCsrfToken() throws Exception {
		MockHttpSession session = signIn("carol-admin", Role.ADMIN);
		mvc.perform(post("/api/v1/tokens").session(session)
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"name\":\"x\",\"scope\":\"read\"}")).andExpect(status().isForbidden());
	}

	@Test
	void aViewerReadsButCannotChangeAnything() throws Exception {
		MockHttpSession session = signIn("dave-viewer", Role.VIEWER);
		mvc.perform(get("/api/v1/users/me").session(session))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.roles").value(org.hamcrest.Matchers.contains("VIEWER")));
		mvc.perform(post("/api/v1/images/prune").session(session).with(csrf())).andExpect(status().isForbidden());
		mvc.perform(get("/api/v1/tokens").session(session)).andExpect(status().isForbidden());
		mvc.perform(post("/pods/x/stop").session(session).with(csrf())).andExpect(status().isForbidden());
		mvc.perform(get("/console/exec/abc").session(session)).andExpect(status().isForbidden());
	}

	@Test
	void aUserChangesTheirOwnPasswordAndTheOldOneStopsWorking() throws Exception {
		MockHttpSession session = signIn("erin-viewer", Role.VIEWER);
		mvc.perform(put("/api/v1/users/me/password").session(session)
			.with(csrf())
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"password\":\"a-brand-new-passphrase\"}")).andExpect(status().isNoContent());
		mvc.perform(formLogin("/login").user("erin-viewer").password(PASSWORD)).andExpect(redirectedUrl("/login?error"));
		mvc.perform(formLogin("/login").user("erin-viewer").password("a-brand-new-passphrase"))
			.andExpect(redirectedUrl("/"));
	}

	@Test
	void fiveWrongPasswordsLockTheNameEvenForTheRightOne() throws Exception {
		users.create("frank-viewer", PASSWORD, Role.VIEWER);
		for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
			mvc.perform(formLogin("/login").user("frank-viewer").password("not-the-password"))
				.andExpect(redirectedUrl("/login?error"));
		}
		mvc.perform(formLogin("/login").user("frank-viewer").password(PASSWORD)).andExpect(redirectedUrl("/login?error"));
	}

	@Test
	void consolePagesCarryAStrictContentSecurityPolicy() throws Exception {
		MockHttpSession session = signIn("gina-viewer", Role.VIEWER);
		mvc.perform(get("/").session(session))
			.andExpect(header().string("Content-Security-Policy",
					org.hamcrest.Matchers.containsString("script-src 'self';")))
			.andExpect(header().string("X-Frame-Options", "DENY"));
	}

	@Test
	void actuatorStaysOpenForProbesAndScrapes() throws Exception {
		mvc.perform(get("/actuator/health/liveness")).andExpect(status().isOk());
	}

	static final String PASSWORD = "correct-horse-battery";

	private MockHttpSession signIn(String name, Role role) throws Exception {
		users.create(name, PASSWORD, role);
		MvcResult result = mvc.perform(formLogin("/login").user(name).password(PASSWORD))
			.andExpect(redirectedUrl("/"))
			.andReturn();
		return (MockHttpSession) result.getRequest().getSession(false);
	}

}
