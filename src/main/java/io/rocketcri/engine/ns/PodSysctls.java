package io.rocketcri.engine.ns;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.rocketcri.engine.CommandRunner;
import io.rocketcri.engine.CommandRunner.Command;

/**
 * Applies a pod's sysctls ({@code PodSandboxConfig.linux.sysctls}) inside its pinned namespaces.
 * Only namespaced sysctls are accepted, the ones Kubernetes calls "namespaced": {@code net.*} in
 * the network namespace; {@code kernel.shm*}, {@code kernel.msg*}, {@code kernel.sem} and
 * {@code fs.mqueue.*} in the IPC namespace. Anything else would change the whole node and is
 * rejected before any is applied.
 *
 * <p>Names come in either of the forms kubelet accepts: dotted ({@code net.ipv4.ip_forward}, where
 * a {@code /} stands for a dot inside one element, e.g. {@code net.ipv4.conf.eth0/100.forwarding})
 * or slashed ({@code net/ipv4/conf/eth0.100/forwarding}). The value is written by
 * {@code nsenter --net=<pin> sysctl -w <path>=<value>}: /proc/sys/net and the IPC entries always
 * show the namespace of the process that opens them.
 */
public final class PodSysctls {

	/** One path element of a sysctl: no separators, no "." or "..", nothing a shell or sysctl(8) would read specially. */
	private static final Pattern ELEMENT = Pattern.compile("[A-Za-z0-9_\\-.:@+]+");

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final CommandRunner runner;

	public PodSysctls(CommandRunner runner) {
		this.runner = runner;
	}

	/** A sysctl resolved to where it is written. */
	record Target(String name, String path, NamespaceType namespace) {
	}

	/**
	 * Writes every sysctl in the namespace it belongs to, in map order.
	 * @throws IllegalArgumentException naming the sysctl when one is not namespaced, malformed, has a
	 * value with a line break, or belongs to a namespace the pod shares with the host
	 */
	public void applySysctls(PinnedNamespaces ns, Map<String, String> sysctls) throws IOException {
		Map<Target, String> checked = new LinkedHashMap<>();
		for (Map.Entry<String, String> sysctl : sysctls.entrySet()) {
			Target target = resolve(sysctl.getKey());
			String value = sysctl.getValue() == null ? "" : sysctl.getValue();
			if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
				throw new IllegalArgumentException("sysctl " + target.name() + " of pod " + ns.podId()
						+ ": the value must be a single line");
			}
			if (ns.path(target.namespace()).isEmpty()) {
				throw new IllegalArgumentException("sysctl " + target.name() + " needs a " + target.namespace()
						+ " namespace of its own, but pod " + ns.podId() + " shares the host's");
			}
			checked.put(target, value);
		}
		for (Map.Entry<Target, String> sysctl : checked.entrySet()) {
			Target target = sysctl.getKey();
			List<String> argv = new ArrayList<>();
			argv.add("nsenter");
			argv.add(target.namespace().option(ns.path(target.namespace()).orElseThrow()));
			argv.addAll(List.of("--", "sysctl", "-w", target.path() + "=" + sysctl.getValue()));
			try {
				this.runner.check(new Command(argv, Map.of(), null, null, TIMEOUT));
			}
			catch (IOException ex) {
				throw new IOException("setting sysctl " + target.name() + "=" + sysctl.getValue() + " in pod "
						+ ns.podId() + ": " + ex.getMessage(), ex);
			}
		}
	}

	/** Which namespace a sysctl lives in; {@link IllegalArgumentException} naming it when it is not namespaced. */
	public static NamespaceType namespaceOf(String sysctl) {
		return resolve(sysctl).namespace();
	}

	static Target resolve(String name) {
		if (name == null || name.isEmpty()) {
			throw new IllegalArgumentException("sysctl name must not be empty");
		}
		List<String> elements = elements(name);
		for (String element : elements) {
			if (!ELEMENT.matcher(element).matches() || element.equals(".") || element.equals("..")) {
				throw new IllegalArgumentException("sysctl " + name + " is not a valid sysctl name");
			}
		}
		String first = elements.getFirst();
		String second = elements.size() > 1 ? elements.get(1) : "";
		NamespaceType namespace;
		if (first.equals("net") && elements.size() > 1) {
			namespace = NamespaceType.NET;
		}
		else if (first.equals("kernel") && elements.size() == 2
				&& (second.startsWith("shm") || second.startsWith("msg") || second.equals("sem"))) {
			namespace = NamespaceType.IPC;
		}
		else if (first.equals("fs") && second.equals("mqueue") && elements.size() > 2) {
			namespace = NamespaceType.IPC;
		}
		else {
			throw new IllegalArgumentException("sysctl " + name
					+ " is not namespaced (allowed: net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)"
					+ " and would change the whole node");
		}
		return new Target(name, String.join("/", elements), namespace);
	}

	/**
	 * Splits a sysctl name into /proc/sys path elements. The first separator decides the form: with a
	 * slash first, slashes separate and dots are literal; otherwise dots separate and a slash is a literal dot.
	 */
	static List<String> elements(String name) {
		int dot = name.indexOf('.');
		int slash = name.indexOf('/');
		boolean slashed = slash >= 0 && (dot < 0 || slash < dot);
		List<String> elements = new ArrayList<>();
		for (String element : name.split(slashed ? "/" : "\\.", -1)) {
			elements.add(slashed ? element : element.replace('/', '.'));
		}
		return elements;
	}

}
