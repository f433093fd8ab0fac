package io.rocketcri.network;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.rocketcri.engine.CommandRunner;
import io.rocketcri.engine.CommandRunner.Command;
import io.rocketcri.engine.CommandRunner.Result;

/**
 * Makes a pod's host ports answer on {@code 127.0.0.1}, as {@code curl http://127.0.0.1:<hostPort>}
 * from the node (and critest's port-mapping specs) expect. The portmap plugin DNATs locally
 * generated traffic to the pod; two more things decide whether the packet ever gets there:
 * <ol>
 * <li>{@code net.ipv4.conf.<dev>.route_localnet=1} on the interface that routes to the pod (the
 * bridge): without it the kernel refuses to send a packet with a 127/8 source out of a
 * non-loopback interface.</li>
 * <li>A masquerade of 127.0.0.0/8 traffic to the pod: otherwise the pod answers to 127.0.0.1,
 * which is its own loopback.</li>
 * </ol>
 * Measured on Debian 12 (kernel 6.x, iptables-nft 1.8.9, plugins 1.1.1): either one alone fails,
 * both together work, with route_localnet on the bridge or on {@code all}. portmap does both
 * itself when its {@code snat} option is on (the default) but only for source 127.0.0.1; this
 * helper adds them whatever the plugin configuration says, per pod, and removes its rules again
 * on tear-down.
 *
 * <p>Setting route_localnet on an interface also lets hosts on it send packets to the node's
 * 127/8 addresses (CVE-2020-8558); like kube-proxy, the helper drops such packets unless they
 * belong to a connection the node itself opened or a DNAT created.
 *
 * <p>Rules live in chains of their own ({@value #CHAIN} in the nat and filter tables), each jumped
 * to from POSTROUTING / INPUT, and are removed with the last pod that needs them. Every pod rule
 * carries the comment {@code rocket-cri pod <id>} so that tear-down needs no state.
 *
 * <p>Thread safety: all iptables changes run under one JVM-wide lock (iptables' own lock only
 * makes single commands atomic, not check-then-add sequences).
 */
final class LocalhostPortMappings {

	static final String CHAIN = "ROCKET-CRI-LOCALHOST";

	private static final Object IPTABLES = new Object();

	private static final Pattern ROUTE_DEVICE = Pattern.compile("\\bdev (\\S+)");

	private static final Pattern DESTINATION = Pattern.compile(" -d (\\S+)");

	/** Interface names: no separators, and never "." or "..", since they become a /proc/sys path element. */
	private static final Pattern DEVICE_NAME = Pattern.compile("[A-Za-z0-9_\\-.:@+]{1,15}");

	private final CommandRunner runner;

	private final Duration timeout;

	/**
	 * Pods this runtime set up without any rule of ours (most pods: no host port): their removal
	 * needs no {@code iptables -S} (4–6 ms a pod stop, LifecycleBenchmark). Pods set up before a
	 * restart are not in it and get the full check.
	 */
	private final java.util.Set<String> withoutRules = java.util.concurrent.ConcurrentHashMap.newKeySet();

	LocalhostPortMappings(CommandRunner runner, Duration timeout) {
		this.runner = runner;
		this.timeout = timeout;
	}

	/** Whether loopback clients can use the mapping at all: it listens on every address or a 127/8 one. */
	static boolean reachableViaLoopback(PortMapping mapping) {
		String ip = mapping.hostIp();
		return mapping.hostPort() > 0 && (ip.isEmpty() || ip.equals("0.0.0.0") || ip.startsWith("127."));
	}

	/** Sets up localhost access to the pod's IPv4 addresses, if any of its mappings can use it. */
	void add(String podId, List<String> podIps, List<PortMapping> mappings) throws IOException {
		List<String> ipv4 = podIps.stream().filter(ip -> !ip.contains(":")).toList();
		if (ipv4.isEmpty() || mappings.stream().noneMatch(LocalhostPortMappings::reachableViaLoopback)) {
			this.withoutRules.add(podId);
			return;
		}
		this.withoutRules.remove(podId);
		Set<String> devices = new LinkedHashSet<>();
		for (String ip : ipv4) {
			devices.add(routeDevice(ip));
		}
		for (String device : devices) {
			run("sysctl", "-w", "net/ipv4/conf/" + device + "/route_localnet=1");
		}
		synchronized (IPTABLES) {
			ensureChains();
			for (String device : devices) {
				List<String> drop = martianDrop(device);
				if (!exists("filter", drop)) {
					iptables("filter", "-A", drop);
				}
			}
			for (String ip : ipv4) {
				List<String> masquerade = masquerade(podId, ip);
				if (!exists("nat", masquerade)) {
					iptables("nat", "-A", masquerade);
				}
			}
		}
	}

	/** Removes the pod's rules, and the chains with the last of them; nothing to do is fine. */
	void remove(String podId) throws IOException {
		if (this.withoutRules.remove(podId)) {
			return;
		}
		synchronized (IPTABLES) {
			List<String> rules = rules("nat");
			if (rules == null) {
				return; // no chain: nothing was ever set up, or it is all gone
			}
			String comment = "--comment \"" + comment(podId) + "\"";
			int remaining = 0;
			for (String rule : rules) {
				if (!rule.startsWith("-A " + CHAIN + " ")) {
					continue;
				}
				Matcher destination = DESTINATION.matcher(rule);
				if (rule.contains(comment) && destination.find()) {
					removing("nat", "-D", masquerade(podId, destination.group(1).replace("/32", "")));
				}
				else {
					remaining++;
				}
			}
			if (remaining == 0) {
				removeChains();
			}
		}
	}

	private static String comment(String podId) {
		return "rocket-cri pod " + podId;
	}

	private static List<String> masquerade(String podId, String ip) {
		return List.of(CHAIN, "-s", "127.0.0.0/8", "-d", ip + "/32", "-m", "comment", "--comment", comment(podId), "-j",
				"MASQUERADE");
	}

	private static List<String> martianDrop(String device) {
		return List.of(CHAIN, "-i", device, "-d", "127.0.0.0/8", "-m", "conntrack", "!", "--ctstate",
				"RELATED,ESTABLISHED,DNAT", "-j", "DROP");
	}

	private static List<String> jump(String builtin) {
		return List.of(builtin, "-m", "comment", "--comment", "rocket-cri: localhost port mappings", "-j", CHAIN);
	}

	private void ensureChains() throws IOException {
		for (Map.Entry<String, String> table : Map.of("nat", "POSTROUTING", "filter", "INPUT").entrySet()) {
			if (rules(table.getKey()) == null) {
				iptables(table.getKey(), "-N", List.of(CHAIN));
			}
			if (!exists(table.getKey(), jump(table.getValue()))) {
				// First, so that no ACCEPT/RETURN earlier in the built-in chain skips it.
				List<String> insert = new ArrayList<>(jump(table.getValue()));
				insert.add(1, "1");
				iptables(table.getKey(), "-I", insert);
			}
		}
	}

	private void removeChains() throws IOException {
		for (Map.Entry<String, String> table : Map.of("nat", "POSTROUTING", "filter", "INPUT").entrySet()) {
			while (exists(table.getKey(), jump(table.getValue()))) {
				removing(table.getKey(), "-D", jump(table.getValue()));
			}
			if (rules(table.getKey()) != null) {
				removing(table.getKey(), "-F", List.of(CHAIN));
				removing(table.getKey(), "-X", List.of(CHAIN));
			}
		}
	}

	/** The device the kernel routes the pod address through, from {@code ip -4 -o route get}. */
	private String routeDevice(String ip) throws IOException {
		Result route = run("ip", "-4", "-o", "route", "get", ip);
		Matcher device = ROUTE_DEVICE.matcher(route.stdoutText());
		if (!device.find()) {
			throw new IOException("no route to pod address " + ip + ": " + route.stdoutText().strip());
		}
		String name = device.group(1);
		if (!DEVICE_NAME.matcher(name).matches() || name.equals(".") || name.equals("..") || name.equals("lo")) {
			throw new IOException("pod address " + ip + " is routed through '" + name
					+ "', not an interface localhost port mappings can use");
		}
		return name;
	}

	/** The rules of our chain as {@code iptables -S} prints them, or null when the chain does not exist. */
	private List<String> rules(String table) throws IOException {
		Result result;
		try {
			result = this.runner.run(command("iptables", "-w", "5", "-t", table, "-S", CHAIN));
		}
		catch (IOException ex) {
			// iptables cannot even start (not installed): then there are no rules of ours either.
			return null;
		}
		if (result.exitCode() != 0) {
			return null;
		}
		return result.stdoutText().lines().toList();
	}

	private boolean exists(String table, List<String> rule) throws IOException {
		List<String> argv = new ArrayList<>(List.of("iptables", "-w", "5", "-t", table, "-C"));
		argv.addAll(rule);
		return this.runner.run(command(argv.toArray(String[]::new))).exitCode() == 0;
	}

	private void iptables(String table, String operation, List<String> rest) throws IOException {
		List<String> argv = new ArrayList<>(List.of("iptables", "-w", "5", "-t", table, operation));
		argv.addAll(rest);
		run(argv.toArray(String[]::new));
	}

	/**
	 * A deletion that another process may have done first (the chain is the host's, and the
	 * JVM-wide lock does not reach a second runtime or an operator's iptables -F): what is gone is
	 * what we wanted.
	 */
	private void removing(String table, String operation, List<String> rest) throws IOException {
		List<String> argv = new ArrayList<>(List.of("iptables", "-w", "5", "-t", table, operation));
		argv.addAll(rest);
		Command command = command(argv.toArray(String[]::new));
		Result result = this.runner.run(command);
		if (result.exitCode() != 0 && !gone(new String(result.stderr(), java.nio.charset.StandardCharsets.UTF_8))) {
			throw new io.rocketcri.engine.CommandRunner.CommandFailedException(command, result);
		}
	}

	/** iptables' words for "no such chain" and "no such rule". */
	static boolean gone(String stderr) {
		String s = String.valueOf(stderr);
		return s.contains("No chain/target/match by that name") || s.contains("does a matching rule exist")
				|| s.contains("Bad rule");
	}

	private Result run(String... argv) throws IOException {
		return this.runner.check(command(argv));
	}

	private Command command(String... argv) {
		return Command.of(argv).withTimeout(this.timeout);
	}

}
