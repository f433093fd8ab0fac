package io.rocketcri.network;

import java.time.Duration;
import java.util.List;

import io.rocketcri.testsupport.ScriptedCommandRunner;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The commands the helper runs, scripted; {@code CniPodNetworkHostTest} checks that they work. */
class LocalhostPortMappingsTest {

	private final ScriptedCommandRunner runner = new ScriptedCommandRunner();

	private final LocalhostPortMappings helper = new LocalhostPortMappings(this.runner, Duration.ofSeconds(5));

	private static final List<PortMapping> HOST_PORT = List.of(new PortMapping("tcp", 80, 18080, ""));

	private List<String> commandLines() {
		return this.runner.commands().stream().map(c -> String.join(" ", c.argv())).toList();
	}

	@Test
	void addSetsRouteLocalnetOnTheRoutingDeviceAndMasqueradesLoopbackToThePod() throws Exception {
		this.runner.on("ip", c -> ScriptedCommandRunner.ok("10.88.0.5 dev cni0 src 10.88.0.1 uid 0 \\    cache"));
		this.runner.on("iptables", c -> c.argv().contains("-S") || c.argv().contains("-C")
				? ScriptedCommandRunner.exit(1, "", "No chain/target/match by that name.") : ScriptedCommandRunner.ok(""));

		this.helper.add("pod1", List.of("fd00::5", "10.88.0.5"), HOST_PORT);

		assertThat(commandLines()).contains("ip -4 -o route get 10.88.0.5",
				"sysctl -w net/ipv4/conf/cni0/route_localnet=1",
				"iptables -w 5 -t nat -N ROCKET-CRI-LOCALHOST",
				"iptables -w 5 -t nat -I POSTROUTING 1 -m comment --comment rocket-cri: localhost port mappings -j ROCKET-CRI-LOCALHOST",
				"iptables -w 5 -t filter -A ROCKET-CRI-LOCALHOST -i cni0 -d 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP",
				"iptables -w 5 -t nat -A ROCKET-CRI-LOCALHOST -s 127.0.0.0/8 -d 10.88.0.5/32 -m comment --comment rocket-cri pod pod1 -j MASQUERADE");
		assertThat(commandLines()).noneMatch(line -> line.contains("fd00::5"));
	}

	@Test
	void mappingsThatLoopbackCannotReachNeedNothing() throws Exception {
		this.helper.add("pod1", List.of("10.88.0.5"),
				List.of(new PortMapping("tcp", 80, 0, ""), new PortMapping("tcp", 80, 8080, "192.168.1.2")));
		this.helper.add("pod1", List.of("fd00::5"), HOST_PORT);

		assertThat(this.runner.commands()).isEmpty();
	}

	@Test
	void removeDeletesOnlyThatPodsRulesAndKeepsChainsForOthers() throws Exception {
		this.runner.on("iptables", c -> c.argv().contains("-S") ? ScriptedCommandRunner.ok("""
				-N ROCKET-CRI-LOCALHOST
				-A ROCKET-CRI-LOCALHOST -s 127.0.0.0/8 -d 10.88.0.5/32 -m comment --comment "rocket-cri pod pod1" -j MASQUERADE
				-A ROCKET-CRI-LOCALHOST -s 127.0.0.0/8 -d 10.88.0.6/32 -m comment --comment "rocket-cri pod pod10" -j MASQUERADE
				""") : ScriptedCommandRunner.ok(""));

		this.helper.remove("pod1");

		assertThat(commandLines()).containsExactly("iptables -w 5 -t nat -S ROCKET-CRI-LOCALHOST",
				"iptables -w 5 -t nat -D ROCKET-CRI-LOCALHOST -s 127.0.0.0/8 -d 10.88.0.5/32 -m comment --comment rocket-cri pod pod1 -j MASQUERADE");
	}

	@Test
	void removeSucceedsWhenAnotherProcessDeletedTheChainFirst() throws Exception {
		this.runner.on("iptables", c -> {
			if (c.argv().contains("-S")) {
				return ScriptedCommandRunner.ok("""
						-N ROCKET-CRI-LOCALHOST
						-A ROCKET-CRI-LOCALHOST -s 127.0.0.0/8 -d 10.88.0.5/32 -m comment --comment "rocket-cri pod pod1" -j MASQUERADE
						""");
			}
			if (c.argv().contains("-C")) {
				return ScriptedCommandRunner.exit(1, "", "");
			}
			// gone between our listing and our deletion
			return ScriptedCommandRunner.exit(1, "", "iptables: No chain/target/match by that name.");
		});

		this.helper.remove("pod1");

		assertThat(commandLines()).contains("iptables -w 5 -t nat -F ROCKET-CRI-LOCALHOST");
	}

	@Test
	void removeStillFailsForOtherIptablesErrors() {
		this.runner.on("iptables", c -> c.argv().contains("-S") ? ScriptedCommandRunner.ok("""
				-A ROCKET-CRI-LOCALHOST -s 127.0.0.0/8 -d 10.88.0.5/32 -m comment --comment "rocket-cri pod pod1" -j MASQUERADE
				""") : ScriptedCommandRunner.exit(4, "", "iptables v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied"));

		org.assertj.core.api.Assertions.assertThatThrownBy(() -> this.helper.remove("pod1"))
			.isInstanceOf(java.io.IOException.class)
			.hasMessageContaining("Permission denied");
	}

	@Test
	void removeOfTheLastPodRemovesTheChains() throws Exception {
		this.runner.on("iptables", c -> {
			if (c.argv().contains("-S")) {
				return ScriptedCommandRunner.ok("""
						-N ROCKET-CRI-LOCALHOST
						-A ROCKET-CRI-LOCALHOST -s 127.0.0.0/8 -d 10.88.0.5/32 -m comment --comment "rocket-cri pod pod1" -j MASQUERADE
						""");
			}
			// each jump exists once
			return c.argv().contains("-C") && this.runner.commands().stream().filter(x -> x.argv().equals(c.argv())).count() > 1
					? ScriptedCommandRunner.exit(1, "", "") : ScriptedCommandRunner.ok("");
		});

		this.helper.remove("pod1");

		assertThat(commandLines()).contains(
				"iptables -w 5 -t nat -D POSTROUTING -m comment --comment rocket-cri: localhost port mappings -j ROCKET-CRI-LOCALHOST",
				"iptables -w 5 -t nat -X ROCKET-CRI-LOCALHOST",
				"iptables -w 5 -t filter -D INPUT -m comment --comment rocket-cri: localhost port mappings -j ROCKET-CRI-LOCALHOST",
				"iptables -w 5 -t filter -X ROCKET-CRI-LOCALHOST");
	}

	@Test
	void removeWithoutTheChainDoesNothing() throws Exception {
		this.runner.on("iptables", c -> ScriptedCommandRunner.exit(1, "", "No chain/target/match by that name."));

		this.helper.remove("pod1");

		assertThat(commandLines()).containsExactly("iptables -w 5 -t nat -S ROCKET-CRI-LOCALHOST");
	}

}
