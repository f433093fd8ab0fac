package io.rocketcri.pod;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.rocketcri.cri.api.NamespaceMode;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PortMapping;
import io.rocketcri.engine.PodEngine;
import io.rocketcri.engine.PodEngine.PodPlan;
import io.rocketcri.engine.PodEngine.PodResources;
import io.rocketcri.engine.PodEngines;
import io.rocketcri.events.EventBus;
import io.rocketcri.failure.Failures;
import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.failure.RuntimeFailure;
import io.rocketcri.failure.Unavailable;
import io.rocketcri.network.NetworkAttachment;
import io.rocketcri.network.PodNetwork;
import io.rocketcri.network.PodNetworkRequest;
import io.rocketcri.store.Ids;
import io.rocketcri.store.LogContext;
import io.rocketcri.store.Rollback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * Pod sandbox lifecycle: RunPodSandbox, StopPodSandbox, RemovePodSandbox and the lookups. Each
 * host step registers its undo as soon as it succeeded; a failed run undoes them and leaves no row,
 * or, when an undo fails too, a NOTREADY sandbox kubelet's Stop/Remove will finish.
 */
@Service
public class PodSandboxService {

	private static final Logger log = LoggerFactory.getLogger(PodSandboxService.class);

	private final PodSandboxStore store;

	private final PodEngines engines;

	private final PodNetwork network;

	private final ObjectProvider<PodContainers> containers;

	private final EventBus<PodEvent> events;

	/** One lifecycle call per pod at a time; different pods proceed in parallel. */
	private final KeyedLocks locks = new KeyedLocks();

	PodSandboxService(PodSandboxStore store, PodEngines engines, PodNetwork network,
			ObjectProvider<PodContainers> containers, EventBus<PodEvent> events) {
		this.store = store;
		this.engines = engines;
		this.network = network;
		this.containers = containers;
		this.events = events;
	}

	/** Runs a pod sandbox, or returns the one kubelet already asked for with the same metadata. */
	public String run(PodSandboxConfig config, String runtimeHandler) {
		validate(config);
		String reservedName = reservedName(config);
		return locks.with(reservedName, () -> {
			Optional<PodSandbox> existing = store.byReservedName(reservedName);
			if (existing.isPresent()) {
				return existing.get().id(); // a retry of a call that already succeeded
			}
			PodEngine engine = engines.forHandler(runtimeHandler);
			String id = Ids.newId();
			PodSandbox pod = new PodSandbox(id, reservedName, PodSandboxState.CREATING, nowNanos(), engine.handler(),
					config, null, null, null, null, null, List.of(), config.getLinux().getCgroupParent(), false);
			store.insert(pod);
			LogContext context = LogContext.pod(id);
			String what = "running pod sandbox %s (%s/%s)".formatted(id, config.getMetadata().getNamespace(),
					config.getMetadata().getName());
			Rollback rollback = new Rollback(what);
			try {
				PodResources resources = engine.runPod(plan(id, config));
				rollback.add("pod namespaces and files", () -> engine.removePod(id, resources));
				pod = store.update(pod.withNamespaces(resources.netns(), resources.ipcns(), resources.utsns())
					.withInfra(resources.infraId(), resources.infraPid()));
				if (resources.netns() != null) {
					PodNetworkRequest request = networkRequest(pod);
					rollback.add("pod network", () -> network.tearDown(request));
					NetworkAttachment attachment = network.setUp(request);
					pod = pod.withNetwork(attachment.ips(), true);
				}
				pod = store.update(pod.transition(PodSandboxState.READY));
				rollback.commit();
				events.publish(new PodEvent(pod, PodEvent.Type.READY, "", nowNanos()));
				log.info("pod sandbox {} ({}/{}) ready{}", id, pod.namespace(), pod.name(),
						pod.ips().isEmpty() ? "" : " at " + pod.ips().getFirst());
				return id;
			}
			catch (IOException | RuntimeException ex) {
				PodSandbox created = pod;
				List<String> leftovers = rollback.undoAndSettle(() -> store.delete(id),
						() -> store.update(created.transition(PodSandboxState.NOTREADY)));
				RuntimeFailure failure = failure(what, ex, leftovers);
				events.publish(new PodEvent(store.find(id).orElse(created), PodEvent.Type.FAILED, failure.getMessage(),
						nowNanos()));
				throw failure;
			}
			finally {
				context.close();
			}
		});
	}

	/**
	 * Stops every container of the pod, tears its network down and stops its own processes.
	 * Stopping a pod that is gone or already stopped succeeds: kubelet calls it repeatedly.
	 */
	public void stop(String id) {
		Optional<PodSandbox> found = store.find(id);
		if (found.isEmpty()) {
			return;
		}
		try (LogContext context = LogContext.pod(id)) {
			locks.with(found.get().reservedName(), () -> {
				PodSandbox pod = store.find(id).orElse(null);
				if (pod == null) {
					return null;
				}
				String what = "stopping pod sandbox " + id;
				if (pod.state() != PodSandboxState.NOTREADY) {
					// not ready from the first step on, with the network still marked ready until it is
					// torn down: a crash in between leaves a pod kubelet sees stopped and whose
					// Stop/Remove tear the network down (again)
					pod = store.update(pod.transition(PodSandboxState.NOTREADY));
				}
				PodContainers members = containers.getIfAvailable();
				if (members != null) {
					members.stopAll(id, Duration.ZERO);
				}
				PodEngine engine = engines.forHandler(pod.runtimeHandler());
				try {
					if (pod.netns() != null && pod.networkReady()) {
						network.tearDown(networkRequest(pod));
					}
					engine.stopPod(id, resources(pod));
				}
				catch (IOException ex) {
					throw failure(what, ex, List.of());
				}
				PodSandbox stopped = store.update(pod.withNetwork(pod.ips(), false).transition(PodSandboxState.NOTREADY));
				log.info("pod sandbox {} stopped", id);
				events.publish(new PodEvent(stopped, PodEvent.Type.STOPPED, "", nowNanos()));
				return null;
			});
		}
	}

	/** Removes the pod and all its containers; stops it first if it still runs. Unknown ids succeed. */
	public void remove(String id) {
		Optional<PodSandbox> found = store.find(id);
		if (found.isEmpty()) {
			return;
		}
		if (found.get().state() != PodSandboxState.NOTREADY || found.get().networkReady()) {
			stop(id);
		}
		try (LogContext context = LogContext.pod(id)) {
			locks.with(found.get().reservedName(), () -> {
				PodSandbox pod = store.find(id).orElse(null);
				if (pod == null) {
					return null;
				}
				PodContainers members = containers.getIfAvailable();
				if (members != null) {
					members.removeAll(id);
				}
				try {
					if (pod.netns() != null && pod.networkReady()) {
						// a stop that could not tear the network down left it marked ready: try again
						network.tearDown(networkRequest(pod));
					}
					engines.forHandler(pod.runtimeHandler()).removePod(id, resources(pod));
				}
				catch (IOException ex) {
					throw failure("removing pod sandbox " + id, ex, List.of());
				}
				store.delete(id);
				log.info("pod sandbox {} removed", id);
				events.publish(new PodEvent(pod, PodEvent.Type.REMOVED, "", nowNanos()));
				return null;
			});
		}
	}

	public PodSandbox get(String id) {
		return store.get(resolveId(id));
	}

	/** A full id, or a unique prefix of one, as crictl passes them. */
	public String resolveId(String idOrPrefix) {
		if (idOrPrefix == null || idOrPrefix.isBlank()) {
			throw new InvalidArgument("pod_sandbox_id: empty");
		}
		if (store.contains(idOrPrefix)) {
			return idOrPrefix;
		}
		List<PodSandbox> matches = store.byIdPrefix(idOrPrefix);
		if (matches.size() == 1) {
			return matches.getFirst().id();
		}
		if (matches.size() > 1) {
			throw new InvalidArgument("pod_sandbox_id: prefix " + idOrPrefix + " matches " + matches.size() + " sandboxes");
		}
		throw new io.rocketcri.failure.NotFound("pod sandbox " + idOrPrefix + " not found");
	}

	public List<PodSandbox> list(PodFilter filter) {
		return store.all()
			.stream()
			.filter(filter::matches)
			.sorted(Comparator.comparingLong(PodSandbox::createdAt))
			.toList();
	}

	/** What the engine set up for a pod, for containers joining it. */
	public PodResources resources(PodSandbox pod) {
		return engines.forHandler(pod.runtimeHandler())
			.describePod(pod.id(), pod.netns(), pod.ipcns(), pod.utsns(), pod.infraId(), pod.infraPid());
	}

	public PodEngine engine(PodSandbox pod) {
		return engines.forHandler(pod.runtimeHandler());
	}

	/**
	 * At boot: load, and clean up the sandboxes a crash caught in RunPodSandbox, as that call's own
	 * rollback would have: network, namespaces, infra process and files go, then the row, and
	 * kubelet's retry of the call (same metadata) makes a new sandbox. What cannot be undone stays
	 * as a NOTREADY sandbox whose Stop/Remove finish the job.
	 */
	public void load() {
		store.load();
		for (PodSandbox pod : List.copyOf(store.all())) {
			if (pod.state() == PodSandboxState.CREATING) {
				cleanUpHalfMade(pod);
			}
		}
		detachUnknownPods();
	}

	/** Network attachments of pods without a row (a crash lost it, or someone deleted it): their IPs go back. */
	private void detachUnknownPods() {
		java.util.Set<String> attached;
		try {
			attached = network.attachedPodIds();
		}
		catch (io.rocketcri.network.NetworkException ex) {
			log.warn("listing network attachments at boot: {}", ex.getMessage());
			return;
		}
		for (String podId : attached) {
			if (store.find(podId).isEmpty()) {
				log.info("tearing down the network of unknown pod {} left by an earlier run", podId);
				try {
					network.tearDown(new PodNetworkRequest(podId, null, null, null, null, List.of(), Map.of(), null));
				}
				catch (io.rocketcri.network.NetworkException | RuntimeException ex) {
					log.warn("tearing down the network of unknown pod {} left by an earlier run: {}", podId, ex.getMessage());
				}
			}
		}
	}

	private void cleanUpHalfMade(PodSandbox pod) {
		String what = "cleaning up pod sandbox %s (%s/%s), whose RunPodSandbox an earlier run did not finish"
			.formatted(pod.id(), pod.namespace(), pod.name());
		PodEngine engine = engines.forHandler(pod.runtimeHandler());
		Rollback rollback = new Rollback(what);
		// the row may lack what the crash came before recording: the engine finds its namespaces
		// and infra process by the pod id, the network's CNI cache by the pod id too
		rollback.add("pod namespaces and files", () -> engine.removePod(pod.id(), resources(pod)));
		rollback.add("pod network", () -> network.tearDown(networkRequest(pod)));
		List<String> leftovers = rollback.undoAndSettle(() -> store.delete(pod.id()),
				() -> store.update(pod.withNetwork(pod.ips(), true).transition(PodSandboxState.NOTREADY)));
		if (leftovers.isEmpty()) {
			log.info("{}: done", what);
		}
		else {
			log.warn("{}: kept as not ready, could not undo: {}", what, String.join("; ", leftovers));
		}
	}

	public java.util.Set<String> ids() {
		return store.all().stream().map(PodSandbox::id).collect(java.util.stream.Collectors.toSet());
	}

	/** The runtime handlers that can run pods on this node now (Status lists them). */
	public List<String> availableHandlers() {
		return engines.availableHandlers();
	}

	public List<PodEngine> engines() {
		return engines.all();
	}

	static String reservedName(PodSandboxConfig config) {
		var m = config.getMetadata();
		return String.join("_", m.getName(), m.getNamespace(), m.getUid(), Integer.toString(m.getAttempt()));
	}

	/**
	 * The cgroup parent becomes a path under /sys/fs/cgroup for runc, the stats reader and CNI:
	 * a control character or a {@code ..} segment would name a file outside the cgroup tree.
	 */
	private static void requireCgroupPath(String parent) {
		for (int i = 0; i < parent.length(); i++) {
			if (Character.isISOControl(parent.charAt(i))) {
				throw new InvalidArgument("config.linux.cgroup_parent: control character at offset " + i);
			}
		}
		for (String segment : parent.split("/")) {
			if (segment.equals("..")) {
				throw new InvalidArgument("config.linux.cgroup_parent: '..' segment in " + parent);
			}
		}
	}

	private static void validate(PodSandboxConfig config) {
		var m = config.getMetadata();
		if (m.getName().isBlank()) {
			throw new InvalidArgument("config.metadata.name: empty");
		}
		if (m.getNamespace().isBlank()) {
			throw new InvalidArgument("config.metadata.namespace: empty");
		}
		if (m.getUid().isBlank()) {
			throw new InvalidArgument("config.metadata.uid: empty");
		}
		requireAtMost("config.metadata.name", m.getName(), MAX_NAME);
		requireAtMost("config.metadata.namespace", m.getNamespace(), MAX_NAME);
		requireAtMost("config.metadata.uid", m.getUid(), MAX_NAME);
		requireAtMost("config.linux.cgroup_parent", config.getLinux().getCgroupParent(), MAX_PATH_IN_ROW);
		requireCgroupPath(config.getLinux().getCgroupParent());
		for (PortMapping p : config.getPortMappingsList()) {
			if (p.getContainerPort() <= 0 || p.getContainerPort() > 65535) {
				throw new InvalidArgument("config.port_mappings.container_port: " + p.getContainerPort() + " out of range");
			}
			if (p.getHostPort() < 0 || p.getHostPort() > 65535) {
				throw new InvalidArgument("config.port_mappings.host_port: " + p.getHostPort() + " out of range");
			}
		}
		userNamespace(config); // throws InvalidArgument naming the field
		for (String sysctl : config.getLinux().getSysctlsMap().keySet()) {
			try {
				io.rocketcri.engine.ns.PodSysctls.namespaceOf(sysctl);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidArgument("config.linux.sysctls: " + ex.getMessage());
			}
		}
		String log = config.getLogDirectory();
		if (!log.isEmpty() && !log.startsWith("/")) {
			throw new InvalidArgument("config.log_directory: not an absolute path: " + log);
		}
	}

	private static final String USERNS = "config.linux.security_context.namespace_options.userns_options";

	/**
	 * The pod's user namespace, or null for the host's. Kubelet sends mode POD with exactly one
	 * uid and one gid mapping of a 65536-id range starting at container id 0; anything else is
	 * refused, as containerd and CRI-O do, rather than guessed at.
	 */
	static io.rocketcri.engine.PodEngine.UserNamespacePlan userNamespace(PodSandboxConfig config) {
		var ns = config.getLinux().getSecurityContext().getNamespaceOptions();
		if (!ns.hasUsernsOptions()) {
			return null;
		}
		var userns = ns.getUsernsOptions();
		switch (userns.getMode()) {
			case NODE:
				if (userns.getUidsCount() > 0 || userns.getGidsCount() > 0) {
					throw new InvalidArgument(USERNS + ": mappings are only allowed with mode POD, not NODE");
				}
				return null;
			case POD:
				break;
			default:
				throw new InvalidArgument(USERNS + ".mode: " + userns.getMode()
						+ " is not supported for user namespaces (NODE or POD)");
		}
		if (ns.getNetwork() == NamespaceMode.NODE) {
			throw new InvalidArgument(USERNS + ": a user namespace with the host network is not supported");
		}
		return new io.rocketcri.engine.PodEngine.UserNamespacePlan(mapping(userns.getUidsList(), "uids"),
				mapping(userns.getGidsList(), "gids"));
	}

	private static io.rocketcri.engine.ns.IdMapping mapping(List<io.rocketcri.cri.api.IDMapping> mappings, String field) {
		if (mappings.size() != 1) {
			throw new InvalidArgument(USERNS + "." + field + ": exactly one mapping is supported, got " + mappings.size());
		}
		var m = mappings.getFirst();
		if (m.getContainerId() != 0) {
			throw new InvalidArgument(USERNS + "." + field + "[0].container_id: must be 0 (root inside must be mapped), got "
					+ Integer.toUnsignedString(m.getContainerId()));
		}
		if (m.getLength() == 0) {
			throw new InvalidArgument(USERNS + "." + field + "[0].length: must be positive");
		}
		if (m.getHostId() == 0) {
			throw new InvalidArgument(USERNS + "." + field + "[0].host_id: 0 would make the container's root the host's");
		}
		long host = Integer.toUnsignedLong(m.getHostId());
		long length = Integer.toUnsignedLong(m.getLength());
		if (host + length > 0xFFFF_FFFFL) {
			throw new InvalidArgument(USERNS + "." + field + "[0]: host_id + length passes the largest id");
		}
		return new io.rocketcri.engine.ns.IdMapping(0, host, length);
	}

	/**
	 * Kubernetes names, namespaces and uids are DNS subdomains at most (253 characters); the
	 * reserved name built from them must fit its column (1024).
	 */
	static final int MAX_NAME = 253;

	/** What the pod row keeps of paths (VARCHAR(1024)). */
	static final int MAX_PATH_IN_ROW = 1024;

	private static void requireAtMost(String field, String value, int max) {
		if (value.length() > max) {
			throw new InvalidArgument("%s: %d characters, at most %d allowed".formatted(field, value.length(), max));
		}
	}

	private static PodPlan plan(String id, PodSandboxConfig config) {
		var ns = config.getLinux().getSecurityContext().getNamespaceOptions();
		boolean hostNetwork = ns.getNetwork() == NamespaceMode.NODE;
		String hostname = hostname(config);
		var dns = config.getDnsConfig();
		return new PodPlan(id, hostname, !hostNetwork, ns.getIpc() != NamespaceMode.NODE, ns.getPid() == NamespaceMode.POD,
				Map.copyOf(config.getLinux().getSysctlsMap()), config.getLinux().getCgroupParent(), dns.getServersList(),
				dns.getSearchesList(), dns.getOptionsList(), userNamespace(config));
	}

	private static PodNetworkRequest networkRequest(PodSandbox pod) {
		var m = pod.config().getMetadata();
		List<io.rocketcri.network.PortMapping> ports = new ArrayList<>();
		for (PortMapping p : pod.config().getPortMappingsList()) {
			ports.add(new io.rocketcri.network.PortMapping(p.getProtocol().name().toLowerCase(), p.getContainerPort(),
					p.getHostPort(), p.getHostIp()));
		}
		return new PodNetworkRequest(pod.id(), m.getName(), m.getNamespace(), m.getUid(), pod.netns(), ports,
				pod.config().getAnnotationsMap(), pod.cgroupParent());
	}

	private static RuntimeFailure failure(String what, Exception ex, List<String> leftovers) {
		if (ex instanceof io.rocketcri.network.NetworkException) {
			// a CNI plugin said no: the node's network, not our bug; kubelet retries
			String suffix = leftovers.isEmpty() ? "" : "; could not undo: " + String.join("; ", leftovers);
			return new Unavailable(what + ": " + ex.getMessage() + suffix, ex);
		}
		return Failures.of(what, ex, leftovers);
	}

	/** The pod's host name: kubelet always sends one; without it the pod gets the node's, as with containerd. */
	public static String hostname(PodSandboxConfig config) {
		return config.getHostname().isBlank() ? nodeHostname() : config.getHostname();
	}

	private static String nodeHostname() {
		try {
			return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
		}
		catch (IOException ex) {
			return "localhost";
		}
	}

	static long nowNanos() {
		Instant now = Instant.now();
		return now.getEpochSecond() * 1_000_000_000L + now.getNano();
	}

}
