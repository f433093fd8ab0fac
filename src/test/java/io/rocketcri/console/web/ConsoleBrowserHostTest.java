package io.rocketcri.console.web;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.rocketcri.console.security.ConsoleUsers;
import io.rocketcri.console.security.Role;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.ContainerState;
import io.rocketcri.cri.api.ContainerStatusRequest;
import io.rocketcri.cri.api.CreateContainerRequest;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.LinuxPodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.cri.api.RemovePodSandboxRequest;
import io.rocketcri.cri.api.RunPodSandboxRequest;
import io.rocketcri.cri.api.StartContainerRequest;
import io.rocketcri.cri.api.StopPodSandboxRequest;
import io.rocketcri.image.archive.TestImageArchives;
import io.rocketcri.testsupport.BuiltImage;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.LayerBuilder;
import io.rocketcri.testsupport.OciImageBuilder;
import io.rocketcri.testsupport.PushedImage;
import io.rocketcri.testsupport.RuntimeUnderTest;
import io.rocketcri.testsupport.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real browser (Debian's headless Chromium through its chromedriver, nothing
 * downloaded) against the real runtime: sign in, watch a pod started through CRI appear without a
 * reload, follow its logs, pull an image with progress, run a command in the terminal, read why a
 * container failed, upload an image archive, create an API token and use it, then revoke it.
 * Writes a screenshot of every page to {@code target/screenshots/<page>.png}.
 * The methods share one browser and one pod and run in order.
 */
@Tag("host")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserHostTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("console-browser");

	static final TestRegistry registry = TestRegistry.shared();

	/** A bridge and subnet of its own: other host tests run beside this one. */
	static final String BRIDGE = "rcri-web0";

	static final Path SCREENSHOTS = Path.of("target/screenshots");

	static final Duration WAIT = Duration.ofSeconds(20);

	static final String PASSWORD = "browser-test-" + UUID.randomUUID();

	static CriSocketClient client;

	static WebDriver browser;

	static PushedImage busybox;

	static PodSandboxConfig podConfig;

	static String podId;

	static String talkerId;

	@LocalServerPort
	int port;

	@Autowired
	ConsoleUsers users;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry props) {
		runtime.register(props);
		runtime.bridgeNetwork("rocket-web", BRIDGE, "10.232.41.0/24", false);
		runtime.trustRegistry(registry.address());
	}

	@BeforeAll
	static void startBrowser() throws IOException {
		client = new CriSocketClient(runtime.socket());
		Files.createDirectories(SCREENSHOTS);
		ChromeOptions options = new ChromeOptions();
		options.setBinary("/usr/bin/chromium");
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--disable-background-networking", "--disable-component-update", "--no-first-run",
				"--window-size=1400,1400");
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File("/usr/bin/chromedriver"))
			.usingAnyFreePort()
			.build();
		browser = new ChromeDriver(service, options);
	}

	@AfterAll
	static void tearDown() throws Exception {
		if (browser != null) {
			browser.quit();
		}
		if (podId != null) {
			client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
			client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
		}
		client.close();
		new ProcessBuilder("ip", "link", "del", BRIDGE).start().waitFor();
	}

	@Test
	@Order(1)
	void signIn() {
		if (users.list().stream().noneMatch(u -> u.username().equals("ada"))) {
			users.create("ada", PASSWORD, Role.ADMIN);
		}
		busybox = registry.pusher()
			.push(OciImageBuilder.busybox().cmd("sh").build(), TestRegistry.uniqueRepository("console"), "v1");
		client.images()
			.pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(busybox.reference())).build());

		browser.get(url("/pods"));
		assertThat(browser.getCurrentUrl()).endsWith("/login");
		screenshot("login");
		browser.findElement(By.id("username")).sendKeys("ada");
		browser.findElement(By.id("password")).sendKeys(PASSWORD);
		browser.findElement(By.id("sign-in")).click();
		waitFor(ExpectedConditions.urlContains("/pods")); // back where we were sent to sign in
		assertThat(browser.findElement(By.id("sign-out")).getText()).contains("ada");
	}

	@Test
	@Order(2)
	void aPodStartedThroughCriAppearsWithoutAReload() {
		browser.get(url("/pods"));
		waitForLiveStream();
		js("window.__sameDocument = true;");
		assertThat(browser.findElements(By.cssSelector("tr.pod-row[data-name='web-console']"))).isEmpty();

		podConfig = PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder().setName("web-console").setNamespace("browser")
				.setUid(UUID.randomUUID().toString()))
			.setHostname("web-console")
			.setLogDirectory(runtime.root().resolve("logs/web-console").toString())
			.setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/rocket-cri-console-it"))
			.putLabels("app", "web-console")
			.build();
		podId = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(podConfig).build()).getPodSandboxId();

		WebElement row = waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr.pod-row[data-name='web-console']")));
		assertThat(row.getText()).contains("Ready").contains("browser");
		assertThat(js("return window.__sameDocument === true;")).as("the page was not reloaded").isEqualTo(true);
		screenshot("pods");

		browser.get(url("/containers"));
		waitForLiveStream();
		js("window.__sameDocument = true;");
		talkerId = startContainer("talker", "sh", "-c", "i=0; while true; do echo talker-line-$i; i=$((i+1)); sleep 0.5; done");
		waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr.container-row[data-name='talker']")));
		waitFor(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("tr.container-row[data-name='talker']"), "Running"));
		assertThat(js("return window.__sameDocument === true;")).isEqualTo(true);
		screenshot("containers");

		browser.get(url("/containers/" + talkerId));
		assertThat(browser.findElement(By.id("status")).getText()).contains("Running");
		screenshot("container");
		browser.get(url("/pods/" + podId));
		assertThat(browser.findElement(By.tagName("main")).getText()).contains("talker");
		screenshot("pod");
	}

	@Test
	@Order(3)
	void followsTheLogsOfAContainer() {
		browser.get(url("/containers/" + talkerId + "/logs"));
		assumeRestApi("/api/v1/containers/" + talkerId + "/logs?tailLines=1");
		waitFor(d -> d.findElements(By.cssSelector("#log .log-line")).size() >= 2);
		String before = browser.findElement(By.id("log")).getText();
		assertThat(before).contains("talker-line-");
		int lines = browser.findElements(By.cssSelector("#log .log-line")).size();
		waitFor(d -> d.findElements(By.cssSelector("#log .log-line")).size() > lines + 2);
		screenshot("logs");
		browser.findElement(By.id("text-filter")).sendKeys("talker-line-1");
		assertThat(browser.findElements(By.cssSelector("#log .log-line:not(.hidden)")))
			.allSatisfy(l -> assertThat(l.getText()).contains("talker-line-1"));
		assertThat(browser.findElement(By.id("download")).getAttribute("href")).contains("download=true");
	}

	@Test
	@Order(4)
	void pullsAnImageAndShowsItsProgress() {
		// a layer of its own (random, so it does not compress away) that really downloads
		byte[] payload = new byte[4 << 20];
		new java.util.Random().nextBytes(payload);
		PushedImage other = registry.pusher()
			.push(OciImageBuilder.busybox()
				.layer(io.rocketcri.testsupport.LayerBuilder.create().file("/data/payload.bin", payload, 0644))
				.cmd("sh")
				.build(), TestRegistry.uniqueRepository("console-pull"), "v2");
		browser.get(url("/images"));
		assumeRestApi("/api/v1/images/prune");
		browser.findElement(By.id("pull-image")).sendKeys(other.reference());
		browser.findElement(By.id("pull-button")).click();
		WebElement result = waitFor(ExpectedConditions.presenceOfElementLocated(By.id("pull-result")));
		assertThat(result.getText()).startsWith("Pulled");
		assertThat(browser.findElements(By.cssSelector("#pull-progress .layer progress"))).hasSizeGreaterThanOrEqualTo(2);
		assertThat(browser.findElement(By.id("pull-progress")).getText()).contains("done");
		waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("images-table"), other.reference()));
		screenshot("images");
	}

	@Test
	@Order(5)
	void runsACommandInTheTerminal() {
		browser.get(url("/containers/" + talkerId + "/exec"));
		waitFor(ExpectedConditions.attributeToBe(By.id("terminal"), "data-connected", "true"));
		browser.findElement(By.cssSelector("#terminal textarea")).sendKeys("echo answer-$((6*7))\n");
		waitFor(d -> terminalText().contains("answer-42"));
		screenshot("exec");
	}

	@Test
	@Order(6)
	void explainsWhyAContainerFailed() throws InterruptedException {
		String failing = startContainer("crasher", "sh", "-c", "echo about to fail >&2; exit 3");
		for (int i = 0; i < 100 && client.runtime()
			.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(failing).build())
			.getStatus()
			.getState() != ContainerState.CONTAINER_EXITED; i++) {
			Thread.sleep(100);
		}
		browser.get(url("/troubleshoot"));
		assertThat(browser.findElement(By.tagName("main")).getText()).contains("crasher");
		screenshot("troubleshoot-list");
		browser.get(url("/containers/" + failing + "/troubleshoot"));
		assertThat(browser.findElement(By.id("headline")).getText()).contains("exited with code 3");
		assertThat(browser.findElement(By.id("facts")).getText()).contains("Error");
		if (restStatus("/api/v1/containers/" + failing + "/logs?tailLines=1") != 404) {
			waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("log-tail"), "about to fail"));
		}
		screenshot("troubleshoot");
	}

	@Test
	@Order(7)
	void theOtherPagesRender() {
		browser.get(url("/"));
		assertThat(browser.findElement(By.id("condition-RuntimeReady")).getText()).contains("true");
		screenshot("overview");
		browser.get(url("/events"));
		waitFor(d -> !d.findElements(By.cssSelector("#events tr.event-row")).isEmpty());
		assertThat(browser.findElement(By.id("events")).getText()).contains("talker");
		screenshot("events");
		browser.get(url("/volumes"));
		screenshot("volumes");
		browser.get(url("/stats"));
		waitFor(d -> !d.findElements(By.cssSelector("#stats-table tbody tr")).isEmpty());
		waitFor(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
				"var s = window.rocketStats; return !!s && Object.keys(s).some(function (k) { return s[k].t.length >= 3; });")));
		waitFor(d -> !d.findElements(By.cssSelector("#cpu-chart canvas")).isEmpty());
		assertThat(browser.findElement(By.id("stats-table")).getText()).contains("talker");
		screenshot("stats");
		js("document.getElementById('theme-toggle').click();");
		screenshot("stats-other-theme");
		// Swagger UI: static files under the console's CSP, over the committed OpenAPI document
		browser.get(url("/swagger-ui.html"));
		waitFor(d -> !d.findElements(By.cssSelector(".opblock-summary-path")).isEmpty());
		assertThat(browser.findElement(By.id("swagger-ui")).getText()).contains("rocket-cri REST API", "/api/v1/pods");
		screenshot("swagger-ui");
	}

	@Test
	@Order(8)
	void uploadsAnImageArchiveWithProgressAndExportsIt() throws IOException {
		// a random layer (it does not compress away) large enough for several progress events
		byte[] payload = new byte[8 << 20];
		new java.util.Random().nextBytes(payload);
		BuiltImage image = OciImageBuilder.busybox()
			.layer(LayerBuilder.create().file("/data/payload.bin", payload, 0644))
			.cmd("sh")
			.build();
		String name = "upload.test/console-upload-" + UUID.randomUUID().toString().substring(0, 8) + ":v1";
		Path archive = Files.createTempFile("console-upload", ".oci.tar");
		try {
			Files.write(archive, TestImageArchives.ociLayout(Map.of(name, image)));
			browser.get(url("/images"));
			browser.findElement(By.id("upload-file")).sendKeys(archive.toAbsolutePath().toString());
			browser.findElement(By.id("upload-button")).click();
			waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("upload-result"), "Imported"));
		}
		finally {
			Files.deleteIfExists(archive);
		}
		WebElement bar = browser.findElement(By.id("upload-progress"));
		assertThat(bar.getDomProperty("value")).as("the bar is full").isEqualTo(bar.getDomProperty("max"));
		assertThat(Double.parseDouble(bar.getDomProperty("max"))).isGreaterThan(payload.length);
		assertThat(browser.findElement(By.id("upload-status")).getText()).endsWith("(100%)");
		assertThat(browser.findElement(By.id("upload-result")).getText()).contains(name)
			.contains(image.imageId().substring(7, 19));
		waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("images-table"), name));
		screenshot("images-upload");

		WebElement row = browser.findElement(By.cssSelector("tr.image-row[data-id='" + image.imageId() + "']"));
		String export = row.findElement(By.cssSelector("a.export-link")).getAttribute("href");
		assertThat(export).endsWith("/api/v1/images/" + image.imageId() + "/export");
		assertThat(restStatus(export)).isEqualTo(200);
	}

	@Test
	@Order(9)
	void createsAnApiTokenOnTheAccessPageThatWorksUntilRevoked() throws Exception {
		browser.get(url("/access"));
		assertThat(browser.findElement(By.id("me-name")).getText()).isEqualTo("ada");
		assertThat(browser.findElement(By.id("me-roles")).getText()).contains("admin");
		// the repeat is checked in the page; the length rule is the server's, and its detail is shown
		changePassword("one-long-password", "another-long-password");
		waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("password-result"), "differ"));
		changePassword("short", "short");
		waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("password-result"), "at least 12 characters"));

		String name = "browser-ci-" + UUID.randomUUID().toString().substring(0, 8);
		browser.findElement(By.id("token-name")).sendKeys(name);
		new Select(browser.findElement(By.id("token-scope"))).selectByValue("read");
		WebElement days = browser.findElement(By.id("token-days"));
		days.clear();
		days.sendKeys("1");
		browser.findElement(By.id("token-button")).click();

		WebElement secretBox = waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("token-secret")));
		String secret = secretBox.getDomProperty("value");
		assertThat(secret).startsWith("rcri_");
		assertThat(browser.findElement(By.id("token-secret-panel")).getText()).contains("will not be shown again");
		By row = By.cssSelector("tr.token-row[data-name='" + name + "']");
		waitFor(ExpectedConditions.presenceOfElementLocated(row));
		assertThat(browser.findElement(By.id("tokens-table")).getText()).doesNotContain(secret);

		HttpResponse<String> me = apiAsToken("/api/v1/users/me", secret);
		assertThat(me.statusCode()).isEqualTo(200);
		assertThat(me.body()).contains("\"username\":\"token:" + name + "\"");

		browser.findElement(By.id("audit-refresh")).click();
		waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("audit-table"), "POST /api/v1/tokens"));
		screenshot("access");

		browser.findElement(row).findElement(By.cssSelector("[data-revoke-token]")).click();
		waitFor(ExpectedConditions.alertIsPresent()).accept();
		waitFor(d -> d.findElements(row).isEmpty());
		assertThat(apiAsToken("/api/v1/users/me", secret).statusCode()).isEqualTo(401);
	}

	private void changePassword(String password, String repeat) {
		for (String id : List.of("new-password", "repeat-password")) {
			browser.findElement(By.id(id)).clear();
		}
		browser.findElement(By.id("new-password")).sendKeys(password);
		browser.findElement(By.id("repeat-password")).sendKeys(repeat);
		browser.findElement(By.id("password-button")).click();
	}

	/** A GET as a script would send it: no session, the token as a bearer. */
	private HttpResponse<String> apiAsToken(String path, String secret) throws IOException, InterruptedException {
		try (HttpClient http = HttpClient.newHttpClient()) {
			return http.send(HttpRequest.newBuilder(URI.create(url(path)))
				.header("Authorization", "Bearer " + secret)
				.header("Accept", "application/json")
				.GET()
				.build(), HttpResponse.BodyHandlers.ofString());
		}
	}

	private String startContainer(String name, String... command) {
		String id = client.runtime()
			.createContainer(CreateContainerRequest.newBuilder()
				.setPodSandboxId(podId)
				.setSandboxConfig(podConfig)
				.setConfig(ContainerConfig.newBuilder()
					.setMetadata(ContainerMetadata.newBuilder().setName(name))
					.setImage(ImageSpec.newBuilder().setImage(busybox.reference()))
					.addAllCommand(List.of(command))
					.setLogPath(name + ".log"))
				.build())
			.getContainerId();
		client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
		return id;
	}

	/** htmx's SSE extension has connected (the first "containers"/"pods" message refetched the table). */
	private void waitForLiveStream() {
		waitFor(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
				"var el = document.querySelector('[sse-connect]');"
						+ " return !!(el && el['htmx-internal-data'] && el['htmx-internal-data'].sseEventSource"
						+ " && el['htmx-internal-data'].sseEventSource.readyState === 1);")));
	}

	/**
	 * The logs, pull and prune pages call the REST API (/api/v1), which is built on its own
	 * branch; until it is merged those steps are skipped, not failed.
	 */
	private void assumeRestApi(String path) {
		org.junit.jupiter.api.Assumptions.assumeTrue(restStatus(path) != 404,
				"the REST API (" + path + ") is not in this build yet");
	}

	/** The HTTP status of a GET from the signed-in page (session cookie), as the page's scripts see it. */
	private long restStatus(String path) {
		Object status = ((JavascriptExecutor) browser).executeAsyncScript(
				"var done = arguments[arguments.length - 1];"
						+ " fetch(arguments[0], {credentials: 'same-origin'}).then(function (r) { done(r.status); },"
						+ " function () { done(0); });", path);
		return ((Number) status).longValue();
	}

	private String terminalText() {
		Object text = js("var b = window.rocketTerminal.buffer.active, out = [];"
				+ " for (var i = 0; i < b.length; i++) { out.push(b.getLine(i).translateToString(true)); }"
				+ " return out.join('\\n');");
		return String.valueOf(text);
	}

	private Object js(String script) {
		return ((JavascriptExecutor) browser).executeScript(script);
	}

	private <T> T waitFor(java.util.function.Function<? super WebDriver, T> condition) {
		return new WebDriverWait(browser, WAIT).until(condition);
	}

	private String url(String path) {
		return "http://127.0.0.1:" + port + path;
	}

	private static void screenshot(String page) {
		try {
			Files.write(SCREENSHOTS.resolve(page + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
