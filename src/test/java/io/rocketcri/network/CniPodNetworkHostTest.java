package io.rocketcri.network;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.rocketcri.engine.CommandRunner;
import io.rocketcri.engine.CommandRunner.Command;
import io.rocketcri.engine.HostOs;
import io.rocketcri.engine.LinuxHostOs;
import io.rocketcri.engine.ProcessCommandRunner;
import io.rocketcri.engine.ns.MountTable;
import io.rocketcri.engine.ns.NamespaceType;
import io.rocketcri.engine.ns.PinnedNamespaces;
import io.rocketcri.engine.ns.UnsharePinner;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real CNI plugins (Debian's containernetworking-plugins) against namespaces pinned by
 * {@link UnsharePinner}. Everything lives on a test bridge {@value #BRIDGE} with subnet
 * 10.231.0.0/24, and traffic goes only to 127.0.0.1 and to the test's pods. Whatever the tests
 * leave (the bridge, iptables chains, forwarding turned on by the bridge plugin, pins) is removed
 * or restored afterwards.
 */
@Tag("host")
class CniPodNetworkHostTest {

	private static final String BRIDGE = "rcri-test0";

	private static final String NETWORK = "rcri-test";

	private static final CommandRunner RUNNER = new ProcessCommandRunner();

	private static final HostOs HOST = new LinuxHostOs();

	private static final List<Path> PLUGIN_DIRS = List.of(Path.of("/usr/lib/cni"), Path.of("/opt/cni/bin"));

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private static Path root;

	private static Path configDir;

	private static Path cacheDir;

	private static Path ipamDir;

	private static Path www;

	private static UnsharePinner pinner;

	private static String ipForwardBefore;

	private static boolean hostportChainsBefore;

	private final List<PinnedNamespaces> pinned = new ArrayList<>();

	private final List<Process> servers = new ArrayList<>();

	private final List<PodNetworkRequest> attached = new ArrayList<>();

	private CniPodNetwork network;

	@BeforeAll
	static void prepare() throws IOException {
		ipForwardBefore = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip();
		hostportChainsBefore = run("iptables", "-t", "nat", "-S").contains("-N CNI-HOSTPORT-DNAT");
		root = Files.createTempDirectory("rcri-test-cni");
		configDir = Files.createDirectories(root.resolve("net.d"));
		cacheDir = root.resolve("cache");
		ipamDir = root.resolve("ipam");
		www = Files.createDirectories(root.resolve("www"));
		Files.writeString(www.resolve("index.html"), "hi from the pod\n");
		pinner = new UnsharePinner(root.resolve("state"), RUNNER, HOST);
	}

	@AfterEach
	void cleanUpPods() throws IOException {
		for (Process server : this.servers) {
			server.destroyForcibly();
		}
		for (PodNetworkRequest request : this.attached) {
			this.network.tearDown(request);
		}
		for (PinnedNamespaces pins : this.pinned) {
			pinner.unpin(pins);
		}
	}

	@AfterAll
	static void restoreHost() throws IOException {
		// The bridge plugin leaves its bridge, turns forwarding on, and (plugins 1.1.1) cannot remove
		// its masquerade rules when DEL runs without the namespace (containernetworking/plugins#810).
		RUNNER.run(Command.of("ip", "link", "del", BRIDGE));
		Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), ipForwardBefore);
		deleteNatRulesMentioning("name: \\\"" + NETWORK + "\\\"");
		if (!hostportChainsBefore) {
			removePortmapChains();
		}
		Path ns = root.resolve("state").resolve("ns");
		if (Files.isDirectory(ns) && MountTable.current().isMountPoint(ns.toRealPath())) {
			HOST.unmount(ns.toRealPath(), HostOs.MNT_DETACH);
		}
		try (Stream<Path> files = Files.walk(root)) {
			for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(p);
			}
		}
		assertThat(run("ip", "-o", "link", "show")).doesNotContain(BRIDGE);
		assertThat(run("iptables-save")).doesNotContain(NETWORK).doesNotContain(LocalhostPortMappings.CHAIN);
	}

	private static void removePortmapChains() throws IOException {
		RUNNER.run(Command.of("iptables", "-t", "nat", "-D", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j",
				"CNI-HOSTPORT-DNAT"));
		RUNNER.run(Command.of("iptables", "-t", "nat", "-D", "OUTPUT", "-m", "addrtype", "--dst-type", "LOCAL", "-j",
				"CNI-HOSTPORT-DNAT"));
		RUNNER.run(Command.of("iptables", "-t", "nat", "-D", "POSTROUTING", "-m", "comment", "--comment",
				"CNI portfwd requiring masquerade", "-j", "CNI-HOSTPORT-MASQ"));
		for (String chain : List.of("CNI-HOSTPORT-DNAT", "CNI-HOSTPORT-MASQ", "CNI-HOSTPORT-SETMARK")) {
			RUNNER.run(Command.of("iptables", "-t", "nat", "-F", chain));
			RUNNER.run(Command.of("iptables", "-t", "nat", "-X", chain));
		}
	}

	/** Deletes nat rules whose -S line contains {@code text}, then the chains they jumped to. */
	private static void deleteNatRulesMentioning(String text) throws IOException {
		List<String> chains = new ArrayList<>();
		for (String rule : run("iptables", "-t", "nat", "-S").lines().toList()) {
			if (rule.startsWith("-A ") && rule.contains(text)) {
				List<String> argv = new ArrayList<>(List.of("sh", "-c", "iptables -t nat " + "-D" + rule.substring(2)));
				RUNNER.run(new Command(argv, Map.of(), null, null, null));
				int jump = rule.indexOf(" -j CNI-");
				if (jump >= 0) {
					chains.add(rule.substring(jump + 4).split(" ")[0]);
				}
			}
		}
		for (String chain : chains) {
			RUNNER.run(Command.of("iptables", "-t", "nat", "-F", chain));
			RUNNER.run(Command.of("iptables", "-t", "nat", "-X", chain));
		}
	}

	private static String run(String... argv) throws IOException {
		return RUNNER.check(Command.of(argv)).stdoutText();
	}

	private void conflist(boolean portmapSnat, boolean withLoopbackPlugin) throws IOException {
		try (Stream<Path> old = Files.list(configDir)) {
			for (Path p : old.toList()) {
				Files.delete(p);
			}
		}
		Files.writeString(configDir.resolve("10-rcri-test.conflist"), """
				{"cniVersion":"1.0.0","name":"%s","plugins":[
				  {"type":"bridge","bridge":"%s","isGateway":true,"ipMasq":true,"hairpinMode":true,
				   "ipam":{"type":"host-local","ranges":[[{"subnet":"10.231.0.0/24"}]],
				           "routes":[{"dst":"0.0.0.0/0"}],"dataDir":"%s"}},
				  {"type":"portmap","capabilities":{"portMappings":true},"snat":%s}%s]}"""
			.formatted(NETWORK, BRIDGE, ipamDir, portmapSnat, withLoopbackPlugin ? ",{\"type\":\"loopback\"}" : ""));
	}

	private CniPodNetwork network(boolean localhostPortMappings) {
		this.network = new CniPodNetwork(configDir, PLUGIN_DIRS, cacheDir, RUNNER,
				CniPodNetwork.Options.defaults().withLocalhostPortMappings(localhostPortMappings));
		return this.network;
	}

	private PodNetworkRequest pod(String name, int hostPort) throws IOException {
		String podId = "rcri-test-" + name;
		PinnedNamespaces pins = pinner.pin(podId, EnumSet.of(NamespaceType.NET), null);
		this.pinned.add(pins);
		return new PodNetworkRequest(podId, name, "rcri-test", "uid-" + name, pins.path(NamespaceType.NET).orElseThrow(),
				List.of(new PortMapping("tcp", 8080, hostPort, "")), Map.of(), "");
	}

	private NetworkAttachment setUp(PodNetworkRequest request) throws NetworkException {
		NetworkAttachment attachment = this.network.setUp(request);
		this.attached.add(request);
		return attachment;
	}

	/** busybox httpd on port 8080 inside the pod's namespace. */
	private void serveInPod(PodNetworkRequest request) throws IOException {
		this.servers.add(new ProcessBuilder("nsenter", "--net=" + request.netns(), "busybox", "httpd", "-f", "-p", "8080",
				"-h", www.toString())
			.redirectErrorStream(true)
			.start());
	}

	private static String get(String url) throws IOException, InterruptedException {
		HttpResponse<String> response = HTTP.send(
				HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
				HttpResponse.BodyHandlers.ofString());
		return response.body();
	}

	/** Retries while the server starts. */
	private static String getEventually(String url) throws Exception {
		IOException last = null;
		for (int attempt = 0; attempt < 50; attempt++) {
			try {
				return get(url);
			}
			catch (IOException ex) {
				last = ex;
				Thread.sleep(100);
			}
		}
		throw last;
	}

	private static int freePort() throws IOException {
		for (int port = 18080; port < 18180; port++) {
			try (ServerSocket socket = new ServerSocket(port)) {
				return port;
			}
			catch (IOException busy) {
				// next
			}
		}
		throw new IOException("no free port in 18080-18179");
	}

	@Test
	void aPodGetsAnAddressReachableDirectlyAndThroughItsHostPortOnLocalhost() throws Exception {
		conflist(true, false);
		network(true);
		int hostPort = freePort();
		PodNetworkRequest request = pod("web", hostPort);

		NetworkAttachment attachment = setUp(request);

		String ip = attachment.primaryIp().orElseThrow();
		assertThat(ip).startsWith("10.231.0.");
		assertThat(attachment.interfaceName()).isEqualTo("eth0");
		String inside = "--net=" + request.netns();
		assertThat(run("nsenter", inside, "ip", "-o", "-4", "addr", "show", "eth0")).contains(ip + "/24");
		assertThat(run("nsenter", inside, "ip", "-o", "link", "show", "lo")).contains("UP");
		assertThat(Files.readString(Path.of("/proc/sys/net/ipv4/conf/" + BRIDGE + "/route_localnet")).strip())
			.isEqualTo("1");
		assertThat(ipamDir.resolve(NETWORK).resolve(ip)).exists();

		serveInPod(request);
		assertThat(getEventually("http://" + ip + ":8080/")).isEqualTo("hi from the pod\n");
		assertThat(get("http://127.0.0.1:" + hostPort + "/")).isEqualTo("hi from the pod\n");

		this.network.tearDown(request);

		assertThat(ipamDir.resolve(NETWORK).resolve(ip)).doesNotExist();
		String nat = run("iptables", "-t", "nat", "-S");
		assertThat(nat).doesNotContain("-N CNI-DN-").doesNotContain(ip + "/32").doesNotContain("--dports " + hostPort);
		assertThat(nat).doesNotContain(LocalhostPortMappings.CHAIN);
		assertThat(run("iptables", "-t", "filter", "-S")).doesNotContain(LocalhostPortMappings.CHAIN);
		assertThat(cacheDir.resolve(request.podId() + ".json")).doesNotExist();
		assertThat(run("nsenter", inside, "ip", "-o", "link", "show")).doesNotContain("eth0");

		this.network.tearDown(request);
	}

	@Test
	void localhostPortMappingsWorkEvenWhenPortmapDoesNotSnat() throws Exception {
		conflist(false, false);
		int hostPort = freePort();
		network(false);
		PodNetworkRequest plain = pod("nosnat", hostPort);
		String ip = setUp(plain).primaryIp().orElseThrow();
		serveInPod(plain);
		assertThat(getEventually("http://" + ip + ":8080/")).isEqualTo("hi from the pod\n");
		// What portmap without snat leaves: no masquerade for 127.0.0.1, and (here forced) no route_localnet.
		Files.writeString(Path.of("/proc/sys/net/ipv4/conf/" + BRIDGE + "/route_localnet"), "0");
		assertThatThrownBy(() -> get("http://127.0.0.1:" + hostPort + "/")).isInstanceOf(IOException.class);
		this.network.tearDown(plain);
		this.attached.remove(plain);

		network(true);
		PodNetworkRequest helped = pod("helped", hostPort);
		String helpedIp = setUp(helped).primaryIp().orElseThrow();
		serveInPod(helped);
		assertThat(getEventually("http://" + helpedIp + ":8080/")).isEqualTo("hi from the pod\n");

		assertThat(get("http://127.0.0.1:" + hostPort + "/")).isEqualTo("hi from the pod\n");
		assertThat(run("iptables", "-t", "nat", "-S", LocalhostPortMappings.CHAIN))
			.contains("-s 127.0.0.0/8 -d " + helpedIp + "/32");
	}

	@Test
	void tearDownWorksAfterTheNamespaceIsGone() throws Exception {
		conflist(true, false);
		network(true);
		int hostPort = freePort();
		PodNetworkRequest request = pod("gone", hostPort);
		String ip = setUp(request).primaryIp().orElseThrow();
		pinner.unpin(this.pinned.removeLast());

		this.network.tearDown(request);

		assertThat(ipamDir.resolve(NETWORK).resolve(ip)).doesNotExist();
		String nat = run("iptables", "-t", "nat", "-S");
		assertThat(nat).doesNotContain("-N CNI-DN-").doesNotContain("--dports " + hostPort);
		assertThat(nat).doesNotContain(LocalhostPortMappings.CHAIN);
		assertThat(cacheDir.resolve(request.podId() + ".json")).doesNotExist();
		this.network.tearDown(request);
		this.network.tearDown(request.withNetns(null));
	}

	@Test
	void tearDownOfAPodNeverSetUpSucceeds() throws Exception {
		conflist(true, false);
		network(true);

		this.network.tearDown(new PodNetworkRequest("rcri-test-never", "never", "rcri-test", "u", null, List.of(),
				Map.of(), ""));
	}

	@Test
	void theLoopbackPluginMayEndTheChain() throws Exception {
		conflist(true, true);
		network(true);
		PodNetworkRequest request = pod("lo", 0);

		NetworkAttachment attachment = setUp(request);

		// loopback passes the previous result on, so the pod address is still the bridge's.
		assertThat(attachment.ips()).singleElement().asString().startsWith("10.231.0.");
		assertThat(run("nsenter", "--net=" + request.netns(), "ip", "-o", "link", "show", "lo")).contains("UP");
		this.network.tearDown(request);
		assertThat(ipamDir.resolve(NETWORK).resolve(attachment.ips().getFirst())).doesNotExist();
	}

	@Test
	void statusIsNotReadyWithoutConfigurationOrWithAMissingPlugin() throws Exception {
		conflist(true, false);
		network(true);
		assertThat(this.network.status().ready()).isTrue();

		Files.writeString(configDir.resolve("05-broken.conflist"), """
				{"cniVersion":"1.0.0","name":"broken","plugins":[{"type":"bridge"},{"type":"rcri-no-such-plugin"}]}""");
		NetworkStatus missingPlugin = this.network.status();
		assertThat(missingPlugin.ready()).isFalse();
		assertThat(missingPlugin.reason()).isEqualTo(NetworkStatus.PLUGIN_MISSING);
		assertThat(missingPlugin.message()).contains("rcri-no-such-plugin").contains("/usr/lib/cni");

		try (Stream<Path> files = Files.list(configDir)) {
			for (Path p : files.toList()) {
				Files.delete(p);
			}
		}
		NetworkStatus empty = this.network.status();
		assertThat(empty.ready()).isFalse();
		assertThat(empty.reason()).isEqualTo(NetworkStatus.CONFIG_MISSING);
		assertThat(empty.message()).contains(configDir.toString());
	}

}
