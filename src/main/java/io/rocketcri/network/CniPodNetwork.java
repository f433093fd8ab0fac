package io.rocketcri.network;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.rocketcri.engine.CommandRunner;
import io.rocketcri.engine.CommandRunner.Command;
import io.rocketcri.engine.ns.MountTable;
import io.rocketcri.engine.ns.PodIds;

/**
 * {@link PodNetwork} on CNI plugins, following the CNI 1.x execution protocol the way libcni does
 * for a network list: ADD runs every plugin of the first configuration in the configuration
 * directory in order, each getting the previous result as {@code prevResult}; DEL runs them in
 * reverse with the cached ADD result. Results are cached per pod in {@code cacheDir} (see
 * {@link CniCache}), so DEL works after a restart and with a changed configuration directory.
 *
 * <p>Before ADD the runtime brings {@code lo} up in the pod namespace itself, so networks without
 * the loopback plugin still give pods a working localhost. After ADD, unless switched off, the
 * {@link LocalhostPortMappings} helper makes host ports reachable on 127.0.0.1.
 *
 * <p>Thread safety: operations on one pod id are serialized by a per-id lock; different pods run
 * in parallel (plugins such as host-local and portmap take their own locks).
 */
public final class CniPodNetwork implements PodNetwork {

	private static final Logger log = LoggerFactory.getLogger(CniPodNetwork.class);

	/** Capability names of the CNI conventions document and of containerd's CRI plugin. */
	static final String PORT_MAPPINGS = "portMappings";

	static final String DNS = "dns";

	static final String CGROUP_PATH = "cgroupPath";

	static final String POD_ANNOTATIONS = "io.kubernetes.cri.pod-annotations";

	/**
	 * Tuning knobs.
	 * @param pluginTimeout how long one plugin call may take before it is killed and the operation fails
	 * @param localhostPortMappings whether host ports are made reachable on 127.0.0.1 (route_localnet and
	 * a masquerade rule; see {@link LocalhostPortMappings})
	 * @param interfaceName {@code CNI_IFNAME}, the pod-side interface
	 */
	public record Options(Duration pluginTimeout, boolean localhostPortMappings, String interfaceName) {

		public static Options defaults() {
			return new Options(Duration.ofSeconds(60), true, "eth0");
		}

		public Options withPluginTimeout(Duration timeout) {
			return new Options(timeout, localhostPortMappings, interfaceName);
		}

		public Options withLocalhostPortMappings(boolean enabled) {
			return new Options(pluginTimeout, enabled, interfaceName);
		}

	}

	private final CniConfigLocator locator;

	private final CniInvoker invoker;

	private final CniCache cache;

	private final CommandRunner runner;

	private final Options options;

	private final LocalhostPortMappings localhost;

	private final KeyedLocks locks = new KeyedLocks();

	/** Brings lo up without a process; null: {@code nsenter … ip link set lo up} (tests' fakes). */
	private final io.rocketcri.engine.HostOs host;

	/**
	 * @param configDir where network configurations are read (the first usable one wins)
	 * @param pluginDirs where plugin binaries are looked up, in order; also {@code CNI_PATH}
	 * @param cacheDir where each pod's attachment is remembered, e.g. {@code <root>/cni/results}
	 * @param runner runs plugins and host tools
	 */
	public CniPodNetwork(Path configDir, List<Path> pluginDirs, Path cacheDir, CommandRunner runner) {
		this(configDir, pluginDirs, cacheDir, runner, Options.defaults());
	}

	public CniPodNetwork(Path configDir, List<Path> pluginDirs, Path cacheDir, CommandRunner runner,
			Options options) {
		this(configDir, pluginDirs, cacheDir, runner, options, null);
	}

	/**
	 * @param host brings {@code lo} up in the pod's namespace from a thread of the runtime; null
	 * runs {@code nsenter --net=… ip link set lo up} instead
	 */
	public CniPodNetwork(Path configDir, List<Path> pluginDirs, Path cacheDir, CommandRunner runner,
			Options options, io.rocketcri.engine.HostOs host) {
		this.host = host;
		this.locator = new CniConfigLocator(configDir);
		this.invoker = new CniInvoker(pluginDirs, runner, options.pluginTimeout());
		this.cache = new CniCache(cacheDir);
		this.runner = runner;
		this.options = options;
		this.localhost = new LocalhostPortMappings(runner, options.pluginTimeout());
	}

	@Override
	public NetworkStatus status() {
		return switch (this.locator.lookup()) {
			case CniConfigLocator.Missing missing -> NetworkStatus.notReady(NetworkStatus.CONFIG_MISSING,
					missing.reason(), null);
			case CniConfigLocator.Present present -> pluginsPresent(present.config());
		};
	}

	private NetworkStatus pluginsPresent(CniConfigLocator.Found config) {
		List<String> missing = config.pluginTypes().stream().filter(t -> this.invoker.find(t).isEmpty()).toList();
		if (!missing.isEmpty()) {
			return NetworkStatus.notReady(NetworkStatus.PLUGIN_MISSING,
					"CNI plugin" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing) + " of network "
							+ config.networkName() + " (" + config.file() + ") not found in " + this.invoker.pluginDirs(),
					config.file());
		}
		return NetworkStatus.ready(config.file());
	}

	@Override
	public NetworkAttachment setUp(PodNetworkRequest request) throws NetworkException {
		String podId = PodIds.requireSafe(request.podId());
		String cniArgs = cniArgs(request);
		Path netns = request.netns();
		if (netns == null || !isNamespaceFile(netns)) {
			throw new NetworkException("setting up the network of pod " + podId + ": " + netns
					+ " is not a network namespace");
		}
		try (KeyedLocks.Held held = this.locks.lock(podId)) {
			Optional<NetworkAttachment> existing = resumeOrClean(podId, netns);
			if (existing.isPresent()) {
				return existing.get();
			}
			CniConfigLocator.Found config = switch (this.locator.lookup()) {
				case CniConfigLocator.Missing missing -> throw new NetworkException(
						"setting up the network of pod " + podId + ": " + missing.reason());
				case CniConfigLocator.Present present -> present.config();
			};
			NetworkStatus plugins = pluginsPresent(config);
			if (!plugins.ready()) {
				throw new NetworkException("setting up the network of pod " + podId + ": " + plugins.message());
			}
			bringUpLoopback(podId, netns);
			CniCache.Entry entry = new CniCache.Entry(podId, config.file().toString(), config.list(),
					this.options.interfaceName(), netns.toString(), cniArgs, capabilityArgs(request), null);
			write(entry);
			return add(entry, request);
		}
	}

	/**
	 * A pod already attached to this namespace keeps its attachment (a retried RunPodSandbox); one
	 * whose ADD never finished (the runtime died in the middle) is cleaned up first.
	 */
	private Optional<NetworkAttachment> resumeOrClean(String podId, Path netns) throws NetworkException {
		Optional<CniCache.Entry> cached;
		try {
			cached = this.cache.read(podId);
		}
		catch (IOException ex) {
			throw new NetworkException("setting up the network of pod " + podId + ": unreadable attachment record "
					+ this.cache.file(podId) + "; tear the pod's network down first: " + ex.getMessage(), ex);
		}
		if (cached.isEmpty()) {
			return Optional.empty();
		}
		CniCache.Entry entry = cached.get();
		if (entry.result() != null) {
			if (entry.netns().equals(netns.toString())) {
				return Optional.of(CniResults.attachment(entry.ifName(), entry.result()));
			}
			throw new NetworkException("setting up the network of pod " + podId + ": already attached to network "
					+ entry.networkName() + " in " + entry.netns() + "; tear it down first");
		}
		log.info("Cleaning up the unfinished network set-up of pod {} before retrying it", podId);
		deleteAll(entry, liveNamespace(netns).orElse(null));
		forget(podId);
		return Optional.empty();
	}

	private NetworkAttachment add(CniCache.Entry entry, PodNetworkRequest request) throws NetworkException {
		CniInvoker.Call call = new CniInvoker.Call(entry.podId(), Path.of(entry.netns()), entry.ifName(),
				entry.cniArgs());
		JsonNode result = null;
		try {
			for (JsonNode plugin : entry.list().get("plugins")) {
				ObjectNode config = PluginConfigs.forPlugin(plugin, entry.networkName(), entry.cniVersion(), result,
						entry.capabilityArgs());
				JsonNode output = this.invoker.invoke("ADD", config, call);
				if (!output.isObject()) {
					throw new NetworkException("CNI ADD of plugin " + config.path("type").asString() + " (network "
							+ entry.networkName() + ") for pod " + entry.podId() + ": the plugin returned no result",
							config.path("type").asString(), "ADD", NetworkException.NO_CODE, "");
				}
				result = output;
			}
			if (result == null) {
				throw new NetworkException("network " + entry.networkName() + " has no plugins");
			}
			NetworkAttachment attachment = CniResults.attachment(entry.ifName(), result);
			write(entry.withResult(result));
			if (this.options.localhostPortMappings()) {
				try {
					this.localhost.add(entry.podId(), attachment.ips(), request.portMappings());
				}
				catch (IOException ex) {
					throw new NetworkException("making the host ports of pod " + entry.podId()
							+ " reachable on 127.0.0.1: " + ex.getMessage(), ex);
				}
			}
			return attachment;
		}
		catch (NetworkException | RuntimeException failure) {
			// A failed ADD must leave nothing behind: DEL every plugin (they tolerate what they never added).
			CniCache.Entry partial = entry.withResult(result);
			try {
				if (this.options.localhostPortMappings()) {
					this.localhost.remove(entry.podId());
				}
				deleteAll(partial, liveNamespace(Path.of(entry.netns())).orElse(null));
				forget(entry.podId());
			}
			catch (IOException | RuntimeException undo) {
				failure.addSuppressed(undo);
				log.warn("Cleaning up after the failed network set-up of pod {} failed too; the attachment record "
						+ "stays for a later tear-down: {}", entry.podId(), undo.getMessage());
			}
			throw failure;
		}
	}

	@Override
	public java.util.Set<String> attachedPodIds() throws NetworkException {
		try {
			return this.cache.podIds();
		}
		catch (IOException ex) {
			throw new NetworkException("listing the pods with a network attachment: " + ex.getMessage(), ex);
		}
	}

	@Override
	public void tearDown(PodNetworkRequest request) throws NetworkException {
		String podId = PodIds.requireSafe(request.podId());
		try (KeyedLocks.Held held = this.locks.lock(podId)) {
			NetworkException localhostFailure = null;
			if (this.options.localhostPortMappings()) {
				try {
					this.localhost.remove(podId);
				}
				catch (IOException ex) {
					localhostFailure = new NetworkException(
							"removing the localhost port mapping rules of pod " + podId + ": " + ex.getMessage(), ex);
				}
			}
			Optional<CniCache.Entry> cached = cachedForTearDown(podId, request);
			if (cached.isPresent()) {
				CniCache.Entry entry = cached.get();
				Path netns = liveNamespace(request.netns())
					.or(() -> entry.netns().isEmpty() ? Optional.empty() : liveNamespace(Path.of(entry.netns())))
					.orElse(null);
				try {
					deleteAll(entry, netns);
				}
				catch (NetworkException ex) {
					if (localhostFailure != null) {
						ex.addSuppressed(localhostFailure);
					}
					throw ex;
				}
				forget(podId);
			}
			if (localhostFailure != null) {
				throw localhostFailure;
			}
		}
	}

	/**
	 * The attachment to delete: the cached one; none when nothing was ever attached; for an
	 * unreadable record, the current configuration without prevResult (plugins' DEL is best effort).
	 */
	private Optional<CniCache.Entry> cachedForTearDown(String podId, PodNetworkRequest request)
			throws NetworkException {
		try {
			return this.cache.read(podId);
		}
		catch (IOException ex) {
			log.warn("Attachment record of pod {} is unreadable, deleting with the current configuration: {}", podId,
					ex.getMessage());
			if (this.locator.lookup() instanceof CniConfigLocator.Present(CniConfigLocator.Found config, var skipped)) {
				return Optional.of(new CniCache.Entry(podId, config.file().toString(), config.list(),
						this.options.interfaceName(), "", cniArgs(request), capabilityArgs(request), null));
			}
			throw new NetworkException("tearing down the network of pod " + podId + ": unreadable attachment record "
					+ this.cache.file(podId) + " and no CNI configuration to delete with: " + ex.getMessage(), ex);
		}
	}

	/** CNI DEL on every plugin in reverse order; tries all, then throws the first failure. */
	private void deleteAll(CniCache.Entry entry, Path netns) throws NetworkException {
		CniInvoker.Call call = new CniInvoker.Call(entry.podId(), netns, entry.ifName(), entry.cniArgs());
		JsonNode prevResult = CniVersions.passesPrevResultOnDel(entry.cniVersion()) ? entry.result() : null;
		List<JsonNode> plugins = new ArrayList<>();
		entry.list().get("plugins").forEach(plugins::add);
		NetworkException failure = null;
		for (JsonNode plugin : plugins.reversed()) {
			ObjectNode config = PluginConfigs.forPlugin(plugin, entry.networkName(), entry.cniVersion(), prevResult,
					entry.capabilityArgs());
			try {
				this.invoker.invoke("DEL", config, call);
			}
			catch (NetworkException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	private void bringUpLoopback(String podId, Path netns) throws NetworkException {
		try {
			if (this.host != null) {
				// 0.1 ms from a thread of ours against 4–18 ms for nsenter + ip (LifecycleBenchmark)
				this.host.bringUpLoopback(netns);
				return;
			}
			this.runner.check(Command.of("nsenter", "--net=" + netns, "--", "ip", "link", "set", "lo", "up")
				.withTimeout(this.options.pluginTimeout()));
		}
		catch (IOException ex) {
			throw new NetworkException("bringing up lo in the network namespace of pod " + podId + ": "
					+ ex.getMessage(), ex);
		}
	}

	private void write(CniCache.Entry entry) throws NetworkException {
		try {
			this.cache.write(entry);
		}
		catch (IOException ex) {
			throw new NetworkException("recording the network attachment of pod " + entry.podId() + " in "
					+ this.cache.file(entry.podId()) + ": " + ex.getMessage(), ex);
		}
	}

	private void forget(String podId) throws NetworkException {
		try {
			this.cache.delete(podId);
		}
		catch (IOException ex) {
			throw new NetworkException("removing the network attachment record of pod " + podId + ": "
					+ ex.getMessage(), ex);
		}
	}

	/** The namespace file if it still is one: a gone namespace means "no CNI_NETNS" for DEL. */
	private static Optional<Path> liveNamespace(Path netns) {
		return netns != null && isNamespaceFile(netns) ? Optional.of(netns) : Optional.empty();
	}

	/** A pin (nsfs inode, two stats) or a {@code /proc/<pid>/ns/net} link; no mountinfo parse. */
	private static boolean isNamespaceFile(Path netns) {
		return MountTable.isNamespacePin(netns);
	}

	/**
	 * {@code CNI_ARGS} as Kubernetes runtimes pass it; IgnoreUnknown lets plugins that know none of
	 * the keys accept them.
	 */
	static String cniArgs(PodNetworkRequest request) {
		Map<String, String> values = Map.of("K8S_POD_NAMESPACE", request.podNamespace(), "K8S_POD_NAME",
				request.podName(), "K8S_POD_UID", request.podUid());
		values.forEach((key, value) -> {
			if (value.contains(";") || value.contains("=")) {
				throw new IllegalArgumentException(key + " '" + value + "' of pod " + request.podId()
						+ " must not contain ';' or '=' (CNI_ARGS separators)");
			}
		});
		return "IgnoreUnknown=1;K8S_POD_NAMESPACE=" + request.podNamespace() + ";K8S_POD_NAME=" + request.podName()
				+ ";K8S_POD_INFRA_CONTAINER_ID=" + request.podId() + ";K8S_POD_UID=" + request.podUid();
	}

	/**
	 * What the runtime can offer plugins through {@code runtimeConfig}; each plugin gets the ones it
	 * declares. As containerd does: port mappings only with a host port, DNS and cgroup only when set.
	 */
	static ObjectNode capabilityArgs(PodNetworkRequest request) {
		JsonNodeFactory json = JsonNodeFactory.instance;
		ObjectNode args = json.objectNode();
		ArrayNode ports = json.arrayNode();
		for (PortMapping mapping : request.portMappings()) {
			if (mapping.hostPort() <= 0) {
				continue;
			}
			ObjectNode port = ports.addObject();
			port.put("hostPort", mapping.hostPort());
			port.put("containerPort", mapping.containerPort());
			port.put("protocol", mapping.protocol());
			if (!mapping.hostIp().isEmpty()) {
				port.put("hostIP", mapping.hostIp());
			}
		}
		if (!ports.isEmpty()) {
			args.set(PORT_MAPPINGS, ports);
		}
		if (request.dns() != null && !request.dns().isEmpty()) {
			ObjectNode dns = args.putObject(DNS);
			request.dns().servers().forEach(dns.putArray("servers")::add);
			request.dns().searches().forEach(dns.putArray("searches")::add);
			request.dns().options().forEach(dns.putArray("options")::add);
		}
		if (!request.cgroupParent().isBlank()) {
			args.put(CGROUP_PATH, request.cgroupParent());
		}
		if (!request.annotations().isEmpty()) {
			ObjectNode annotations = args.putObject(POD_ANNOTATIONS);
			request.annotations().entrySet().stream().sorted(Map.Entry.comparingByKey())
				.forEach(a -> annotations.put(a.getKey(), a.getValue()));
		}
		return args;
	}

}
