package io.rocketcri.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.rocketcri.config.Json;
import io.rocketcri.engine.CommandRunner.Command;
import io.rocketcri.engine.CommandRunner.Result;
import io.rocketcri.testsupport.ScriptedCommandRunner;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The CNI protocol as plugins see it, with scripted plugins: no root, no network. */
class CniPodNetworkTest {

	/** A namespace file that always exists, so that the runtime's "is this a netns" check passes. */
	private static final Path NETNS = Path.of("/proc/self/ns/net");

	private static final String BRIDGE_RESULT = """
			{"cniVersion":"1.0.0",
			 "interfaces":[{"name":"cni0","mac":"aa"},{"name":"veth1","mac":"bb"},{"name":"eth0","mac":"cc","sandbox":"/x"}],
			 "ips":[{"interface":2,"address":"fd00::5/64"},{"interface":2,"address":"10.88.0.5/16","gateway":"10.88.0.1"},
			        {"interface":0,"address":"10.88.0.1/16"}],
			 "dns":{}}""";

	@TempDir
	Path dir;

	private Path configDir;

	private Path pluginDir;

	private Path cacheDir;

	private final ScriptedCommandRunner runner = new ScriptedCommandRunner();

	private CniPodNetwork network;

	@BeforeEach
	void setUp() throws IOException {
		this.configDir = Files.createDirectories(this.dir.resolve("net.d"));
		this.pluginDir = Files.createDirectories(this.dir.resolve("bin"));
		this.cacheDir = this.dir.resolve("cache");
		for (String plugin : List.of("bridge", "portmap", "tuning")) {
			Path binary = Files.createFile(this.pluginDir.resolve(plugin));
			Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
		}
		conflist("1.0.0");
		this.network = newNetwork();
		this.runner.on("bridge", c -> addOrDel(c, BRIDGE_RESULT));
		this.runner.on("portmap", c -> addOrDel(c, () -> prevResultOf(c)));
	}

	private CniPodNetwork newNetwork() {
		return new CniPodNetwork(this.configDir, List.of(this.dir.resolve("absent"), this.pluginDir), this.cacheDir,
				this.runner, CniPodNetwork.Options.defaults().withLocalhostPortMappings(false));
	}

	private void conflist(String version) throws IOException {
		Files.writeString(this.configDir.resolve("10-test.conflist"), """
				{"cniVersion":"%s","name":"testnet","plugins":[
				  {"type":"bridge","bridge":"cni0","capabilities":{"cgroupPath":true},"ipam":{"type":"host-local"}},
				  {"type":"portmap","snat":true,"capabilities":{"portMappings":true,"dns":false}}]}""".formatted(version));
	}

	private static Result addOrDel(Command command, String addResult) {
		return addOrDel(command, () -> addResult);
	}

	private static Result addOrDel(Command command, Supplier<String> addResult) {
		return "ADD".equals(command.env().get("CNI_COMMAND")) ? ScriptedCommandRunner.ok(addResult.get())
				: ScriptedCommandRunner.ok("");
	}

	private static String prevResultOf(Command command) {
		try {
			return stdin(command).get("prevResult").toString();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static JsonNode stdin(Command command) throws IOException {
		return Json.MAPPER.readTree(new String(command.stdin(), StandardCharsets.UTF_8));
	}

	private static PodNetworkRequest request(String podId) {
		return new PodNetworkRequest(podId, "web", "default", "uid-1", NETNS,
				List.of(new PortMapping("TCP", 8080, 18080, ""), new PortMapping("udp", 53, 0, "")),
				Map.of("team", "a"), "/kubepods/pod-uid-1", new DnsConfig(List.of("10.0.0.10"), List.of("svc"), null));
	}

	private List<Command> pluginCalls() {
		return this.runner.commands().stream().filter(c -> c.env().containsKey("CNI_COMMAND")).toList();
	}

	@Test
	void addRunsEveryPluginInOrderWithTheCniEnvironment() throws Exception {
		NetworkAttachment attachment = this.network.setUp(request("pod1"));

		List<Command> calls = pluginCalls();
		assertThat(calls).extracting(ScriptedCommandRunner::program).containsExactly("bridge", "portmap");
		Command bridge = calls.getFirst();
		assertThat(bridge.argv()).containsExactly(this.pluginDir.resolve("bridge").toString());
		assertThat(bridge.env()).containsEntry("CNI_COMMAND", "ADD")
			.containsEntry("CNI_CONTAINERID", "pod1")
			.containsEntry("CNI_NETNS", NETNS.toString())
			.containsEntry("CNI_IFNAME", "eth0")
			.containsEntry("CNI_PATH", this.dir.resolve("absent") + ":" + this.pluginDir)
			.containsEntry("CNI_ARGS",
					"IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web;K8S_POD_INFRA_CONTAINER_ID=pod1;K8S_POD_UID=uid-1");
		assertThat(attachment.interfaceName()).isEqualTo("eth0");
		assertThat(attachment.ips()).containsExactly("10.88.0.5", "fd00::5");
		assertThat(attachment.primaryIp()).hasValue("10.88.0.5");
		assertThat(Json.MAPPER.readTree(attachment.rawResult())).isEqualTo(Json.MAPPER.readTree(BRIDGE_RESULT));
	}

	@Test
	void eachPluginGetsNameVersionPrevResultAndOnlyTheCapabilitiesItDeclares() throws Exception {
		this.network.setUp(request("pod1"));

		JsonNode bridge = stdin(pluginCalls().get(0));
		assertThat(bridge.path("name").asString()).isEqualTo("testnet");
		assertThat(bridge.path("cniVersion").asString()).isEqualTo("1.0.0");
		assertThat(bridge.has("prevResult")).isFalse();
		assertThat(bridge.has("capabilities")).isFalse();
		assertThat(bridge.path("runtimeConfig"))
			.isEqualTo(Json.MAPPER.readTree("{\"cgroupPath\":\"/kubepods/pod-uid-1\"}"));
		assertThat(bridge.path("ipam").path("type").asString()).isEqualTo("host-local");

		JsonNode portmap = stdin(pluginCalls().get(1));
		assertThat(portmap.path("prevResult")).isEqualTo(Json.MAPPER.readTree(BRIDGE_RESULT));
		assertThat(portmap.has("capabilities")).isFalse();
		assertThat(portmap.path("snat").asBoolean()).isTrue();
		// dns is declared false; only host ports > 0 are mapped; protocol is lower-case.
		assertThat(portmap.path("runtimeConfig")).isEqualTo(Json.MAPPER.readTree(
				"{\"portMappings\":[{\"hostPort\":18080,\"containerPort\":8080,\"protocol\":\"tcp\"}]}"));
	}

	@Test
	void capabilityArgumentsCoverDnsAnnotationsAndHostIp() throws Exception {
		PodNetworkRequest request = new PodNetworkRequest("pod1", "web", "default", "uid", NETNS,
				List.of(new PortMapping("sctp", 9, 9999, "127.0.0.1")), Map.of("b", "2", "a", "1"), "",
				new DnsConfig(List.of("10.0.0.10"), List.of("svc.cluster.local"), List.of("ndots:5")));

		assertThat(CniPodNetwork.capabilityArgs(request)).isEqualTo(Json.MAPPER.readTree("""
				{"portMappings":[{"hostPort":9999,"containerPort":9,"protocol":"sctp","hostIP":"127.0.0.1"}],
				 "dns":{"servers":["10.0.0.10"],"searches":["svc.cluster.local"],"options":["ndots:5"]},
				 "io.kubernetes.cri.pod-annotations":{"a":"1","b":"2"}}"""));
	}

	@Test
	void theRuntimeBringsLoopbackUpBeforeTheFirstPlugin() throws Exception {
		this.network.setUp(request("pod1"));

		Command first = this.runner.commands().getFirst();
		assertThat(first.argv()).containsExactly("nsenter", "--net=" + NETNS, "--", "ip", "link", "set", "lo", "up");
	}

	@Test
	void aRepeatedSetUpReturnsTheAttachmentWithoutRunningPluginsAgain() throws Exception {
		NetworkAttachment first = this.network.setUp(request("pod1"));

		NetworkAttachment second = this.network.setUp(request("pod1"));

		assertThat(second).isEqualTo(first);
		assertThat(pluginCalls()).hasSize(2);
	}

	@Test
	void aFailedAddReportsThePluginsErrorAndDeletesEverythingInReverse() throws Exception {
		this.runner.on("portmap", c -> "ADD".equals(c.env().get("CNI_COMMAND"))
				? ScriptedCommandRunner.exit(1,
						"{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"invalid port\",\"details\":\"hostPort 18080 taken\"}", "")
				: ScriptedCommandRunner.ok(""));

		assertThatThrownBy(() -> this.network.setUp(request("pod1"))).isInstanceOfSatisfying(NetworkException.class,
				ex -> {
					assertThat(ex.plugin()).isEqualTo("portmap");
					assertThat(ex.command()).isEqualTo("ADD");
					assertThat(ex.code()).isEqualTo(7);
					assertThat(ex.details()).isEqualTo("hostPort 18080 taken");
					assertThat(ex.getMessage()).isEqualTo("CNI ADD of plugin portmap (network testnet) for pod pod1: "
							+ "invalid port: hostPort 18080 taken (CNI error code 7)");
				});
		assertThat(pluginCalls()).extracting(c -> ScriptedCommandRunner.program(c) + " " + c.env().get("CNI_COMMAND"))
			.containsExactly("bridge ADD", "portmap ADD", "portmap DEL", "bridge DEL");
		assertThat(stdin(pluginCalls().get(3)).path("prevResult")).isEqualTo(Json.MAPPER.readTree(BRIDGE_RESULT));
		assertThat(this.cacheDir.resolve("pod1.json")).doesNotExist();
	}

	@Test
	void aPluginWithoutJsonErrorIsReportedWithItsStderr() {
		this.runner.on("bridge", c -> ScriptedCommandRunner.exit(2, "", "panic: runtime error"));

		assertThatThrownBy(() -> this.network.setUp(request("pod1"))).isInstanceOf(NetworkException.class)
			.hasMessage("CNI ADD of plugin bridge (network testnet) for pod pod1: exited 2: panic: runtime error");
	}

	@Test
	void aPluginThatPrintsNoJsonResultFailsTheAdd() {
		this.runner.on("bridge", c -> addOrDel(c, "IP allocated"));

		assertThatThrownBy(() -> this.network.setUp(request("pod1"))).isInstanceOf(NetworkException.class)
			.hasMessage("CNI ADD of plugin bridge (network testnet) for pod pod1: the plugin printed no JSON result: "
					+ "IP allocated");
	}

	@Test
	void anAttachmentRecordThatIsNotJsonIsReportedUnreadable() throws Exception {
		Files.createDirectories(this.cacheDir);
		Files.writeString(this.cacheDir.resolve("pod1.json"), "{\"kind\": ");

		assertThatThrownBy(() -> this.network.setUp(request("pod1"))).isInstanceOf(NetworkException.class)
			.hasMessageStartingWith("setting up the network of pod pod1: unreadable attachment record "
					+ this.cacheDir.resolve("pod1.json") + "; tear the pod's network down first: "
					+ "Unexpected end-of-input");
		assertThat(this.runner.commands()).isEmpty();
	}

	@Test
	void aPluginThatHangsIsKilledAfterTheTimeout() throws IOException {
		CniPodNetwork quick = new CniPodNetwork(this.configDir, List.of(this.pluginDir), this.cacheDir, this.runner,
				CniPodNetwork.Options.defaults().withLocalhostPortMappings(false).withPluginTimeout(Duration.ofSeconds(3)));
		this.runner.on("bridge", c -> {
			assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(3));
			return new Result(-1, new byte[0], new byte[0], true);
		});

		assertThatThrownBy(() -> quick.setUp(request("pod1"))).isInstanceOf(NetworkException.class)
			.hasMessageContaining("plugin bridge")
			.hasMessageContaining("timed out after 3s");
	}

	@Test
	void tearDownDeletesInReverseWithTheCachedResultAndForgetsThePod() throws Exception {
		this.network.setUp(request("pod1"));

		this.network.tearDown(request("pod1"));

		List<Command> dels = pluginCalls().stream().filter(c -> "DEL".equals(c.env().get("CNI_COMMAND"))).toList();
		assertThat(dels).extracting(ScriptedCommandRunner::program).containsExactly("portmap", "bridge");
		for (Command del : dels) {
			assertThat(stdin(del).path("prevResult")).isEqualTo(Json.MAPPER.readTree(BRIDGE_RESULT));
			assertThat(del.env()).containsEntry("CNI_NETNS", NETNS.toString());
		}
		assertThat(stdin(dels.getFirst()).path("runtimeConfig").path("portMappings")).hasSize(1);
		assertThat(this.cacheDir.resolve("pod1.json")).doesNotExist();
	}

	@Test
	void tearDownOfAPodNeverSetUpRunsNothing() throws Exception {
		this.network.tearDown(request("never"));
		this.network.tearDown(request("never").withNetns(null));

		assertThat(pluginCalls()).isEmpty();
	}

	@Test
	void tearDownWithoutTheNamespaceLeavesCniNetnsOut() throws Exception {
		this.network.setUp(request("pod1"));
		rewriteCachedNetns("pod1", this.dir.resolve("gone").toString());

		this.network.tearDown(request("pod1").withNetns(this.dir.resolve("gone")));

		List<Command> dels = pluginCalls().stream().filter(c -> "DEL".equals(c.env().get("CNI_COMMAND"))).toList();
		assertThat(dels).hasSize(2).allSatisfy(del -> assertThat(del.env()).doesNotContainKey("CNI_NETNS"));
	}

	@Test
	void aFailedDelKeepsTheRecordSoThatTearDownCanBeRetried() throws Exception {
		this.network.setUp(request("pod1"));
		this.runner.on("bridge", c -> ScriptedCommandRunner.exit(1, "{\"code\":11,\"msg\":\"try again later\"}", ""));

		assertThatThrownBy(() -> this.network.tearDown(request("pod1"))).isInstanceOfSatisfying(NetworkException.class,
				ex -> assertThat(ex.code()).isEqualTo(11));
		assertThat(this.cacheDir.resolve("pod1.json")).exists();
		// portmap was still deleted: DEL is best effort on every plugin.
		assertThat(pluginCalls()).extracting(c -> ScriptedCommandRunner.program(c) + " " + c.env().get("CNI_COMMAND"))
			.contains("portmap DEL");

		this.runner.on("bridge", c -> ScriptedCommandRunner.ok(""));
		this.network.tearDown(request("pod1"));
		assertThat(this.cacheDir.resolve("pod1.json")).doesNotExist();
	}

	@Test
	void afterARestartTearDownUsesTheConfigurationOfTheAdd() throws Exception {
		this.network.setUp(request("pod1"));
		Files.delete(this.configDir.resolve("10-test.conflist"));

		CniPodNetwork restarted = newNetwork();
		restarted.tearDown(request("pod1"));

		assertThat(pluginCalls()).extracting(c -> ScriptedCommandRunner.program(c) + " " + c.env().get("CNI_COMMAND"))
			.containsExactly("bridge ADD", "portmap ADD", "portmap DEL", "bridge DEL");
	}

	@Test
	void before040DelGetsNoPrevResultAndOldResultsAreRead() throws Exception {
		conflist("0.3.1");
		String old = """
				{"cniVersion":"0.3.1","interfaces":[{"name":"eth0","sandbox":"/x"}],
				 "ips":[{"version":"6","interface":0,"address":"fd00::7/64"},{"version":"4","interface":0,"address":"10.1.0.7/24"}]}""";
		this.runner.on("bridge", c -> addOrDel(c, old));

		NetworkAttachment attachment = this.network.setUp(request("pod1"));
		this.network.tearDown(request("pod1"));

		assertThat(attachment.ips()).containsExactly("10.1.0.7", "fd00::7");
		Command del = pluginCalls().getLast();
		assertThat(del.env()).containsEntry("CNI_COMMAND", "DEL");
		assertThat(stdin(del).has("prevResult")).isFalse();
		assertThat(stdin(del).path("cniVersion").asString()).isEqualTo("0.3.1");
	}

	@Test
	void anUnfinishedAddIsCleanedUpBeforeTheRetry() throws Exception {
		this.network.setUp(request("pod1"));
		JsonNode record = Json.MAPPER.readTree(this.cacheDir.resolve("pod1.json").toFile());
		((ObjectNode) record).remove("result");
		Files.writeString(this.cacheDir.resolve("pod1.json"), record.toString());

		this.network.setUp(request("pod1"));

		assertThat(pluginCalls()).extracting(c -> ScriptedCommandRunner.program(c) + " " + c.env().get("CNI_COMMAND"))
			.containsExactly("bridge ADD", "portmap ADD", "portmap DEL", "bridge DEL", "bridge ADD", "portmap ADD");
	}

	@Test
	void setUpNeedsANetworkNamespace() {
		assertThatThrownBy(() -> this.network.setUp(request("pod1").withNetns(this.dir.resolve("nope"))))
			.isInstanceOf(NetworkException.class)
			.hasMessageContaining("is not a network namespace");
		assertThat(this.runner.commands()).isEmpty();
	}

	@Test
	void setUpWithoutConfigurationOrPluginFailsBeforeRunningAnything() throws Exception {
		Files.writeString(this.configDir.resolve("05-first.conflist"),
				"{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":[{\"type\":\"bridge\"},{\"type\":\"flannel\"}]}");

		assertThatThrownBy(() -> this.network.setUp(request("pod1"))).isInstanceOf(NetworkException.class)
			.hasMessageContaining("flannel");
		assertThat(this.runner.commands()).isEmpty();
	}

	@Test
	void podIdsAndNamesThatWouldBreakTheProtocolAreRejected() {
		assertThatThrownBy(() -> this.network.setUp(request("../etc"))).isInstanceOf(IllegalArgumentException.class);
		PodNetworkRequest semicolon = new PodNetworkRequest("pod1", "a;K8S_POD_NAME=b", "default", "u", NETNS, null,
				null, null);
		assertThatThrownBy(() -> this.network.setUp(semicolon)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("K8S_POD_NAME");
	}

	@Test
	void statusNamesWhatIsMissing() throws Exception {
		assertThat(this.network.status().ready()).isTrue();
		assertThat(this.network.status().configFile()).isEqualTo(this.configDir.resolve("10-test.conflist"));

		Files.delete(this.pluginDir.resolve("portmap"));
		NetworkStatus noPlugin = this.network.status();
		assertThat(noPlugin.ready()).isFalse();
		assertThat(noPlugin.reason()).isEqualTo(NetworkStatus.PLUGIN_MISSING);
		assertThat(noPlugin.message()).contains("portmap").contains(this.pluginDir.toString());

		Files.delete(this.configDir.resolve("10-test.conflist"));
		NetworkStatus noConfig = this.network.status();
		assertThat(noConfig.ready()).isFalse();
		assertThat(noConfig.reason()).isEqualTo(NetworkStatus.CONFIG_MISSING);
		assertThat(noConfig.message()).contains(this.configDir.toString());
	}

	private void rewriteCachedNetns(String podId, String netns) throws IOException {
		ObjectNode record = (ObjectNode) Json.MAPPER.readTree(this.cacheDir.resolve(podId + ".json").toFile());
		record.put("netns", netns);
		Files.writeString(this.cacheDir.resolve(podId + ".json"), record.toString());
	}

}
