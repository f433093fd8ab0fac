package io.rocketcri.console.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.rocketcri.console.security.ApiTokens;
import io.rocketcri.console.security.AuditLog;
import io.rocketcri.console.security.ConsoleUsers;
import io.rocketcri.console.security.Role;
import io.rocketcri.console.security.TokenScope;
import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerService;
import io.rocketcri.container.ContainerState;
import io.rocketcri.image.ImageRecord;
import io.rocketcri.image.ImageService;
import io.rocketcri.image.PullFailure;
import io.rocketcri.node.NodeStatusService;
import io.rocketcri.node.RuntimeCondition;
import io.rocketcri.node.doctor.Finding;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxService;
import io.rocketcri.pod.PodSandboxState;
import io.rocketcri.stats.ContainerStatsService;
import io.rocketcri.stats.PodStatsService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import io.rocketcri.testsupport.RuntimeUnderTest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Every console page and fragment over mocked capability services, through the application's
 * real filter chains: who may read, who may change, CSRF, and pages that keep the CSP (no inline
 * scripts, no hx-on).
 */
@SpringBootTest
@AutoConfigureMockMvc
class ConsolePagesTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("console-pages");

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		runtime.register(registry);
	}

	@Autowired
	MockMvc mvc;

	@Autowired
	ConsoleEvents events;

	@Autowired
	ConsoleUsers users;

	@Autowired
	ApiTokens tokens;

	@Autowired
	AuditLog audit;

	@MockitoBean
	ContainerService containers;

	@MockitoBean
	PodSandboxService pods;

	@MockitoBean
	ImageService images;

	@MockitoBean
	NodeStatusService node;

	@MockitoBean
	ContainerStatsService containerStats;

	@MockitoBean
	PodStatsService podStats;

	@MockitoBean
	io.rocketcri.streaming.StreamingService streaming;

	PodSandbox web = ConsoleFixtures.pod("a1b2c3d4e5f6a7b8c9d0", "web", "shop", PodSandboxState.READY);

	PodSandbox batch = ConsoleFixtures.pod("f0e1d2c3b4a5f6e7d8c9", "batch", "jobs", PodSandboxState.NOTREADY);

	Container httpd = ConsoleFixtures.container("c0ffee00112233445566", web, "httpd", ContainerState.RUNNING, 0, "");

	Container job = ConsoleFixtures.container("deadbeef998877665544", batch, "job", ContainerState.EXITED, 137, "OOMKilled");

	@BeforeEach
	void services() {
		when(pods.list(any())).thenReturn(List.of(web, batch));
		when(pods.get(web.id())).thenReturn(web);
		when(pods.get(batch.id())).thenReturn(batch);
		when(containers.list(any())).thenReturn(List.of(httpd, job));
		when(containers.status(httpd.id())).thenReturn(httpd);
		when(containers.status(job.id())).thenReturn(job);
		when(node.conditions()).thenReturn(List.of(new RuntimeCondition(RuntimeCondition.RUNTIME_READY, true, "", ""),
				new RuntimeCondition(RuntimeCondition.NETWORK_READY, false, "NetworkPluginNotReady", "no CNI config in /etc/cni/net.d")));
		when(node.runtimeVersion()).thenReturn("0.1.0-test");
		when(node.effectiveConfig()).thenReturn(Map.of("root", "/var/lib/rocket-cri"));
		when(node.doctor()).thenReturn(List.of(new Finding(Finding.Level.WARN, "iptables", "not found", "apt-get install iptables")));
		when(images.fsUsage()).thenReturn(new ImageService.FsUsage("/var/lib/rocket-cri", 12_345_678, 321));
		when(images.list(any())).thenReturn(List.of(new ImageRecord("sha256:" + "ab".repeat(32), "sha256:" + "cd".repeat(32),
				"application/vnd.oci.image.manifest.v1+json", 4_200_000, null, "", false, "registry.test", null,
				List.of("registry.test/busybox:v1"), List.of(), List.of(), List.of())));
		when(images.lastPullFailure(anyString())).thenReturn(Optional.empty());
	}

	@Test
	void signInPageNeedsNoUserAndEverythingElseDoes() throws Exception {
		String login = mvc.perform(get("/login")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
		assertThat(login).contains("name=\"username\"").contains("name=\"password\"").contains("name=\"_csrf\"");
		mvc.perform(get("/containers")).andExpect(status().is3xxRedirection()).andExpect(redirectedUrl("/login"));
	}

	@Test
	void everyPageRendersForAViewerWithoutInlineScriptsOrStyles() throws Exception {
		for (String page : List.of("/", "/pods", "/pods/table", "/pods/" + web.id(), "/containers", "/containers/table",
				"/containers/" + httpd.id(), "/containers/" + httpd.id() + "/logs", "/containers/" + job.id() + "/troubleshoot",
				"/troubleshoot", "/images", "/images/table", "/volumes", "/events", "/stats", "/access")) {
			MvcResult result = mvc.perform(get(page).with(user("vera").roles("VIEWER")))
				.andExpect(status().isOk())
				.andExpect(header().string("Content-Security-Policy", org.hamcrest.Matchers.containsString("default-src 'self'")))
				.andReturn();
			String html = result.getResponse().getContentAsString();
			assertThat(html).as(page).doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>");
			assertThat(html).as(page).doesNotContain(" style=\"").doesNotContain("<style").doesNotContain("hx-on");
		}
	}

	@Test
	void containersTableHasCrictlColumnsAndLiveRefresh() throws Exception {
		String html = page("/containers");
		assertThat(html).contains("CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD");
		assertThat(html).contains("sse-connect=\"/console/events/stream\"").contains("hx-trigger=\"sse:containers\"");
		assertThat(html).contains("c0ffee0011223").contains("httpd").contains("registry.test/busybox:v1");
		assertThat(page("/pods")).contains("POD ID", "NAMESPACE", "RUNTIME", "hx-trigger=\"sse:pods\"", "web", "shop");
	}

	@Test
	void filtersAndSortFollowCrictlAndABadRegexIsABadRequest() throws Exception {
		String running = page("/containers/table?state=running");
		assertThat(running).contains("httpd").doesNotContain(">job<");
		String byNamespace = page("/containers/table?namespace=jobs");
		assertThat(byNamespace).contains(">job<").doesNotContain(">httpd<");
		String byName = page("/pods/table?name=^we");
		assertThat(byName).contains(">web<").doesNotContain(">batch<");
		String byLabel = page("/pods/table?label=app=batch");
		assertThat(byLabel).contains(">batch<").doesNotContain(">web<");
		String sorted = page("/containers/table?sort=name&dir=asc");
		assertThat(sorted.indexOf(">httpd<")).isLessThan(sorted.indexOf(">job<"));
		String reversed = page("/containers/table?sort=name&dir=desc");
		assertThat(reversed.indexOf(">job<")).isLessThan(reversed.indexOf(">httpd<"));
		String bad = mvc.perform(get("/containers?name=(").with(user("vera").roles("VIEWER")))
			.andExpect(status().isBadRequest())
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(bad).contains("filter name: not a regular expression");
		mvc.perform(get("/pods?sort=colour").with(user("vera").roles("VIEWER"))).andExpect(status().isBadRequest());
	}

	@Test
	void detailsMaskEnvironmentValuesAlsoInTheInspectJson() throws Exception {
		String html = page("/containers/" + httpd.id());
		assertThat(html).contains("DB_PASSWORD").doesNotContain("s3cret").doesNotContain("czNjcmV0");
		assertThat(html).contains("/srv/data").contains("64.0MB");
		assertThat(html).contains("data-log-tail=\"/api/v1/containers/" + httpd.id() + "/logs?tailLines=50\"");
	}

	@Test
	void unknownContainerIsANotFoundPageThatNamesIt() throws Exception {
		when(containers.status("nope")).thenThrow(new io.rocketcri.failure.NotFound("container nope not found"));
		String html = mvc.perform(get("/containers/nope").with(user("vera").roles("VIEWER")))
			.andExpect(status().isNotFound())
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(html).contains("container nope not found");
	}

	@Test
	void aViewerCannotStopOrRemoveAndSeesNoButtons() throws Exception {
		assertThat(page("/containers/" + httpd.id())).doesNotContain("id=\"stop-container\"").doesNotContain("id=\"exec-link\"");
		mvc.perform(post("/containers/" + httpd.id() + "/stop").with(user("vera").roles("VIEWER")).with(csrf()))
			.andExpect(status().isForbidden());
		mvc.perform(post("/pods/" + web.id() + "/remove").with(user("vera").roles("VIEWER")).with(csrf()))
			.andExpect(status().isForbidden());
		mvc.perform(post("/images/sha256:ab/remove").with(user("vera").roles("VIEWER")).with(csrf()))
			.andExpect(status().isForbidden());
		verify(containers, never()).stop(anyString(), any());
	}

	@Test
	void anAdminStopsWithACsrfTokenOnly() throws Exception {
		mvc.perform(post("/containers/" + httpd.id() + "/stop").with(user("ada").roles("ADMIN", "VIEWER")))
			.andExpect(status().isForbidden());
		verify(containers, never()).stop(anyString(), any());
		mvc.perform(post("/containers/" + httpd.id() + "/stop").with(user("ada").roles("ADMIN", "VIEWER")).with(csrf()))
			.andExpect(status().is3xxRedirection())
			.andExpect(redirectedUrl("/containers/" + httpd.id()));
		verify(containers).stop(eq(httpd.id()), eq(Duration.ofSeconds(30)));
		String html = mvc.perform(get("/containers/" + httpd.id()).with(user("ada").roles("ADMIN", "VIEWER")))
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(html).contains("id=\"stop-container\"").contains("data-confirm=\"Stop container httpd?\"").contains("id=\"exec-link\"");
		mvc.perform(post("/pods/" + web.id() + "/remove").with(user("ada").roles("ADMIN", "VIEWER")).with(csrf()))
			.andExpect(redirectedUrl("/pods"));
		verify(pods).remove(web.id());
	}

	@Test
	void troubleshootingSaysWhyInOnePlace() throws Exception {
		when(images.lastPullFailure("registry.test/busybox:v1"))
			.thenReturn(Optional.of(new PullFailure("registry.test/busybox:v1", "manifest unknown", java.time.Instant.now())));
		String html = page("/containers/" + job.id() + "/troubleshoot");
		assertThat(html).contains("exited with code 137").contains("OOM killer").contains("manifest unknown")
			.contains("NetworkPluginNotReady").contains("jobs/batch is NotReady");
		assertThat(page("/troubleshoot")).contains(">job<").doesNotContain(">httpd<");
	}

	@Test
	void overviewShowsConditionsCountsDoctorAndRecentEvents() throws Exception {
		events.publish(new ConsoleEvent("pod", "FAILED", "ffff", "broken", "broken", "shop",
				"running pod sandbox ffff: CNI said no", ConsoleFixtures.NOW));
		String html = page("/");
		assertThat(html).contains("RuntimeReady").contains("NetworkPluginNotReady").contains("no CNI config");
		assertThat(html).contains("0.1.0-test").contains("12.3MB").contains("apt-get install iptables");
		assertThat(html).contains("CNI said no");
		assertThat(page("/troubleshoot")).contains("CNI said no");
	}

	@Test
	void volumesGroupMountsByHostPath() throws Exception {
		String html = page("/volumes");
		assertThat(html).contains("/srv/data").contains(">httpd<").contains(">job<");
	}

	@Test
	void imagesPageOffersPullPruneAndUploadToAdminsOnlyAndExportToEveryone() throws Exception {
		String export = "href=\"/api/v1/images/sha256:" + "ab".repeat(32) + "/export\"";
		assertThat(page("/images")).contains("registry.test/busybox:v1").doesNotContain("id=\"pull-form\"")
			.doesNotContain("id=\"upload-form\"")
			.contains(export);
		String admin = mvc.perform(get("/images").with(user("ada").roles("ADMIN", "VIEWER")))
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(admin).contains("id=\"pull-form\"").contains("data-pull-url=\"/api/v1/images/pull\"")
			.contains("data-prune-url=\"/api/v1/images/prune\"")
			.contains("id=\"upload-form\"")
			.contains("data-import-url=\"/api/v1/images/import\"")
			.contains("id=\"upload-progress\"")
			.contains(export);
	}

	@Test
	void aViewerSeesWhoTheyAreAndTheirPasswordFormOnly() throws Exception {
		String html = page("/access");
		assertThat(html).contains("<dd id=\"me-name\">vera</dd>").contains("<dd id=\"me-roles\">viewer</dd>")
			.contains("id=\"password-form\"")
			.contains("data-url=\"/api/v1/users/me/password\"")
			.contains("href=\"/access\"");
		assertThat(html).doesNotContain("id=\"users-table\"").doesNotContain("id=\"user-form\"")
			.doesNotContain("id=\"tokens-table\"")
			.doesNotContain("id=\"token-form\"")
			.doesNotContain("id=\"audit-table\"");
		for (String table : List.of("/access/users", "/access/tokens", "/access/audit")) {
			mvc.perform(get(table).with(user("vera").roles("VIEWER"))).andExpect(status().isForbidden());
		}
	}

	@Test
	void anAdminSeesUsersTokensWithoutSecretsAndTheAuditLog() throws Exception {
		if (users.list().stream().noneMatch(u -> u.username().equals("otto"))) {
			users.create("otto", "otto-password-123", Role.VIEWER);
		}
		String secret = tokens.create("pages-ci", TokenScope.WRITE, Duration.ofDays(7), "ada").secret();
		audit.record("ada", "DELETE /api/v1/pods/feedface", null, "204", "192.0.2.7");
		audit.record("mallory", "POST /api/v1/tokens", null, "denied", "192.0.2.66");

		String html = admin("/access");
		assertThat(html).contains("<dd id=\"me-roles\">admin, viewer</dd>").contains("id=\"password-form\"");
		assertThat(html).contains("id=\"users-table\"").contains("data-username=\"otto\"")
			.contains("data-delete-user=\"otto\"")
			.contains("id=\"user-form\"");
		assertThat(html).contains("id=\"tokens-table\"").contains("data-name=\"pages-ci\"").contains(">write<")
			.contains("id=\"token-form\"")
			.contains("data-url=\"/api/v1/tokens\"")
			.doesNotContain(secret);
		assertThat(html).contains("id=\"audit-table\"").contains("DELETE /api/v1/pods/feedface").contains("192.0.2.7")
			.contains("class=\"error\">denied<");

		assertThat(admin("/access/users")).startsWith("<table").contains(">otto<").doesNotContain("<html");
		assertThat(admin("/access/tokens")).contains(">pages-ci<").doesNotContain(secret);
		assertThat(admin("/access/audit")).contains("mallory");
	}

	@Test
	void theAccessPagesChangesGoThroughTheApiAndNeedTheCsrfHeader() throws Exception {
		String html = admin("/access");
		assertThat(html).contains("<meta name=\"_csrf\"").contains("<meta name=\"_csrf_header\"")
			.contains("src=\"/js/access.js\"");
		String body = "{\"name\":\"no-csrf\",\"scope\":\"read\",\"expiresInDays\":1}";
		mvc.perform(post("/api/v1/tokens").with(user("ada").roles("ADMIN", "VIEWER"))
			.contentType("application/json")
			.content(body)).andExpect(status().isForbidden());
		assertThat(tokens.list()).noneMatch(t -> t.name().equals("no-csrf"));
		mvc.perform(post("/api/v1/tokens").with(user("ada").roles("ADMIN", "VIEWER"))
			.with(csrf().asHeader())
			.contentType("application/json")
			.content(body)).andExpect(status().isCreated());
		mvc.perform(delete("/api/v1/users/otto").with(user("ada").roles("ADMIN", "VIEWER")))
			.andExpect(status().isForbidden());
		mvc.perform(post("/api/v1/users").with(user("vera").roles("VIEWER"))
			.with(csrf().asHeader())
			.contentType("application/json")
			.content("{\"username\":\"eve\",\"password\":\"eve-password-123\",\"role\":\"admin\"}"))
			.andExpect(status().isForbidden());
		assertThat(users.list()).noneMatch(u -> u.username().equals("eve"));
	}

	@Test
	void theTerminalPageIsForAdmins() throws Exception {
		mvc.perform(get("/containers/" + httpd.id() + "/exec").with(user("vera").roles("VIEWER")))
			.andExpect(status().isOk()); // the page; the WebSocket itself needs ADMIN
		mvc.perform(get("/console/exec/" + httpd.id()).with(user("vera").roles("VIEWER"))).andExpect(status().isForbidden());
	}

	private String admin(String path) throws Exception {
		return mvc.perform(get(path).with(user("ada").roles("ADMIN", "VIEWER")))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
	}

	private String page(String path) throws Exception {
		return mvc.perform(get(path).with(user("vera").roles("VIEWER")))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
	}

}
