package io.rocketcri.container.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.LinuxContainerResources;
import io.rocketcri.cri.api.LinuxContainerSecurityContext;
import io.rocketcri.cri.api.NamespaceMode;
import io.rocketcri.cri.api.NamespaceOption;
import io.rocketcri.cri.api.SecurityProfile;
import io.rocketcri.failure.InvalidArgument;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds a container's OCI runtime spec (config.json, runtime-spec 1.0.2 as runc 1.1.5 reads it)
 * from the CRI's CreateContainer request, the image's config and what the pod set up.
 *
 * <p>Host decisions, each because of how these machines are (see DESIGN.md):
 * <ul>
 * <li>Capabilities, the open-files limit and oom_score_adj never exceed what the runtime itself
 * holds ({@link HostLimits}); the runtime lacks CAP_SYS_RESOURCE, and runc fails a container
 * whose spec asks for more.</li>
 * <li>cgroupfs driver, cgroup v1: {@code cgroupsPath} is {@code <pod cgroup parent>/<container id>};
 * no cgroup namespace (containerd and Docker do not make one on v1 either).</li>
 * <li>AppArmor is not loaded here: RuntimeDefault and Unconfined are no-ops, a Localhost profile
 * is refused (running without the confinement the pod asked for would be silent loss of
 * protection).</li>
 * <li>SELinux options are ignored.</li>
 * </ul>
 * Namespaces: mount always new; network, IPC and UTS are the pod's (or the host's); PID is the
 * container's own ({@code CONTAINER}), the pod's infra process's ({@code POD}, when the pod has one,
 * else the container's own), or the host's ({@code NODE}). {@code TARGET} and user namespaces are
 * refused: they need state this generator is not given.
 *
 * <p>Left to others: image {@code VOLUME}s get no mount here (what kubelet mounts arrives as CRI
 * mounts; an image volume without one stays a directory of the rootfs, as with CRI-O's
 * {@code image_volumes = "ignore"}); CRI mounts of image volumes must arrive with their
 * {@code host_path} filled in by the container service; missing host paths are not created.
 */
public final class OciSpecGenerator {

	static final String OCI_VERSION = "1.0.2";

	/** Where a pod without a cgroup parent puts its containers. */
	static final String DEFAULT_CGROUP_PARENT = "/rocket-cri";

	static final long OPEN_FILES = 1_048_576;

	/** Kernel interfaces an unprivileged container must not see. */
	static final List<String> MASKED_PATHS = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
			"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
			"/sys/firmware", "/sys/devices/virtual/powercap");

	/** Kernel interfaces an unprivileged container may read but not write. */
	static final List<String> READONLY_PATHS = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
			"/proc/sysrq-trigger");

	private static final String SC = "linux.security_context.";

	private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

	private final SeccompProfiles seccomp;

	private final HostLimits host;

	private final UserResolver users;

	private final DeviceNodes devices;

	private final CdiRegistry cdi;

	/**
	 * @param hostCapabilities what the runtime itself holds ({@code /proc/self/status} CapBnd): a
	 * privileged container gets exactly these, never more
	 */
	public OciSpecGenerator(SeccompProfiles seccomp, Set<String> hostCapabilities) {
		this(seccomp, HostLimits.of(hostCapabilities));
	}

	public OciSpecGenerator(SeccompProfiles seccomp, HostLimits host) {
		this(seccomp, host, CdiRegistry.none());
	}

	public OciSpecGenerator(SeccompProfiles seccomp, HostLimits host, CdiRegistry cdi) {
		this(seccomp, host, new UserResolver(), new HostDeviceNodes(), cdi);
	}

	OciSpecGenerator(SeccompProfiles seccomp, HostLimits host, UserResolver users, DeviceNodes devices) {
		this(seccomp, host, users, devices, CdiRegistry.none());
	}

	OciSpecGenerator(SeccompProfiles seccomp, HostLimits host, UserResolver users, DeviceNodes devices, CdiRegistry cdi) {
		this.seccomp = seccomp;
		this.host = host;
		this.users = users;
		this.devices = devices;
		this.cdi = cdi;
	}

	/**
	 * @throws InvalidArgument naming the CRI field for bad input (relative host path, unknown
	 * seccomp profile type or missing localhost profile, unknown capability, bad device, unknown
	 * user, unsupported feature)
	 */
	/** LinuxResources (cgroup limits) for UpdateContainerResources, by the same rules as at create. */
	public ObjectNode resources(io.rocketcri.cri.api.LinuxContainerResources resources) {
		return CgroupResources.of(resources, host);
	}

	public ObjectNode generate(SpecInput in) {
		try {
			return build(in);
		}
		catch (InvalidArgument ex) {
			throw new InvalidArgument("generating the OCI spec of container " + in.containerId() + ": " + ex.getMessage(),
					ex);
		}
	}

	private ObjectNode build(SpecInput requested) {
		// CDI devices become CRI devices, mounts and envs first, so they get the same checks
		CdiEdits cdiEdits = this.cdi.resolve(requested.config());
		SpecInput in = cdiEdits.isEmpty() ? requested : new SpecInput(requested.containerId(), requested.sandboxId(),
				cdiEdits.applyTo(requested.config()), requested.pod(), requested.image(), requested.rootfs(),
				requested.podResources());
		ContainerConfig config = in.config();
		LinuxContainerSecurityContext sc = config.getLinux().getSecurityContext();
		PodResources pod = in.podResources();
		boolean privileged = sc.getPrivileged();
		checkAppArmor(sc);

		ResolvedUser user = this.users.resolve(in.rootfs(), sc, in.image().user());
		CapabilitySets caps = CapabilitySets.of(sc.getCapabilities(), privileged, user.uid() == 0,
				this.host.capabilities());
		String hostname = pod.hostname() != null ? pod.hostname() : in.pod().getHostname();

		ObjectNode spec = JSON.objectNode();
		spec.put("ociVersion", OCI_VERSION);
		spec.set("process", process(in, sc, user, caps, hostname));
		spec.putObject("root").put("path", in.rootfs().toString()).put("readonly", sc.getReadonlyRootfs());
		if (pod.utsns() != null && !hostname.isEmpty()) {
			spec.put("hostname", hostname);
		}
		MountPlan.Result mounts = MountPlan.of(config.getMountsList(), pod, privileged, sc.getReadonlyRootfs());
		spec.set("mounts", mounts.mounts());
		spec.set("annotations", annotations(in));
		spec.set("linux", linux(in, sc, caps, mounts.rootfsPropagation()));
		cdiEdits.addHooks(spec);
		return spec;
	}

	private ObjectNode process(SpecInput in, LinuxContainerSecurityContext sc, ResolvedUser user, CapabilitySets caps,
			String hostname) {
		ContainerConfig config = in.config();
		ObjectNode process = JSON.objectNode();
		process.put("terminal", config.getTty());
		ObjectNode u = process.putObject("user");
		u.put("uid", user.uid()).put("gid", user.gid()).put("umask", 0022);
		ArrayNode gids = u.putArray("additionalGids");
		user.additionalGids().forEach(gids::add);
		strings(process.putArray("args"), ProcessPlan.args(config, in.image()));
		strings(process.putArray("env"), ProcessPlan.env(config, in.image(), hostname, user.home()));
		process.put("cwd", ProcessPlan.cwd(config, in.image()));
		ObjectNode c = process.putObject("capabilities");
		strings(c.putArray("bounding"), caps.bounding());
		strings(c.putArray("effective"), caps.bounding());
		strings(c.putArray("inheritable"), caps.inheritable());
		strings(c.putArray("permitted"), caps.bounding());
		strings(c.putArray("ambient"), caps.ambient());
		if (this.host.openFilesHardLimit() != HostLimits.UNKNOWN) {
			long nofile = Math.min(OPEN_FILES, this.host.openFilesHardLimit());
			process.putArray("rlimits").addObject().put("type", "RLIMIT_NOFILE").put("hard", nofile).put("soft", nofile);
		}
		process.put("noNewPrivileges", sc.getNoNewPrivs());
		if (config.getLinux().hasResources()) {
			long adj = config.getLinux().getResources().getOomScoreAdj();
			if (adj < -1000 || adj > 1000) {
				throw new InvalidArgument("linux.resources.oom_score_adj: " + adj + " is outside -1000..1000");
			}
			// Lowering it below the runtime's own (0) needs CAP_SYS_RESOURCE, which the runtime
			// lacks; runc would then fail with "can't get final child's PID from pipe". A negative
			// request leaves the container at the runtime's value.
			if (adj >= 0) {
				process.put("oomScoreAdj", adj);
			}
		}
		return process;
	}

	private ObjectNode linux(SpecInput in, LinuxContainerSecurityContext sc, CapabilitySets caps,
			String rootfsPropagation) {
		ContainerConfig config = in.config();
		boolean privileged = sc.getPrivileged();
		ObjectNode linux = JSON.objectNode();
		LinuxContainerResources requested = config.getLinux().getResources();
		ObjectNode resources = CgroupResources.of(requested, this.host);
		DevicePlan.Result devices = DevicePlan.of(config.getDevicesList(), privileged, this.devices);
		ObjectNode withDevices = JSON.objectNode();
		withDevices.set("devices", devices.cgroupRules());
		withDevices.setAll(resources);
		linux.set("resources", withDevices);
		linux.put("cgroupsPath", cgroupParent(in.podResources().cgroupParent()) + "/" + in.containerId());
		linux.set("namespaces", namespaces(sc.getNamespaceOptions(), in.podResources()));
		if (in.podResources().userns() != null) {
			// runc wants the mappings even when it joins the pod's user namespace by path
			var userns = in.pod().getLinux().getSecurityContext().getNamespaceOptions().getUsernsOptions();
			userns.getUidsList().forEach(m -> idMapping(linux.withArray("uidMappings"), m));
			userns.getGidsList().forEach(m -> idMapping(linux.withArray("gidMappings"), m));
		}
		linux.set("devices", devices.nodes());
		Optional<ObjectNode> filter = seccomp(sc, privileged, caps);
		filter.ifPresent((f) -> linux.set("seccomp", f));
		if (rootfsPropagation != null) {
			linux.put("rootfsPropagation", rootfsPropagation);
		}
		if (!privileged) {
			strings(linux.putArray("maskedPaths"), paths(sc.getMaskedPathsList(), MASKED_PATHS, "masked_paths"));
			strings(linux.putArray("readonlyPaths"), paths(sc.getReadonlyPathsList(), READONLY_PATHS, "readonly_paths"));
		}
		return linux;
	}

	private Optional<ObjectNode> seccomp(LinuxContainerSecurityContext sc, boolean privileged, CapabilitySets caps) {
		if (sc.hasSeccomp()) {
			return this.seccomp.forContainer(sc.getSeccomp(), privileged, caps.bounding(), SeccompProfiles.FIELD);
		}
		String field = SC + "seccomp_profile_path";
		Optional<SecurityProfile> deprecated = SeccompProfiles.fromDeprecatedPath(sc.getSeccompProfilePath(), field);
		return this.seccomp.forContainer(deprecated.orElse(null), privileged, caps.bounding(), field);
	}

	private static void idMapping(ArrayNode array, io.rocketcri.cri.api.IDMapping m) {
		array.addObject()
			.put("containerID", Integer.toUnsignedLong(m.getContainerId()))
			.put("hostID", Integer.toUnsignedLong(m.getHostId()))
			.put("size", Integer.toUnsignedLong(m.getLength()));
	}

	private static ArrayNode namespaces(NamespaceOption options, PodResources pod) {
		ArrayNode out = JSON.arrayNode();
		switch (options.getPid()) {
			case NODE -> {
				// the host's: no entry
			}
			case CONTAINER -> out.addObject().put("type", "pid");
			case POD -> {
				// Without an infra process there is no pod PID namespace to join; the pod service
				// decides that from the sandbox config, so this container gets its own.
				ObjectNode pid = out.addObject().put("type", "pid");
				if (pod.infraPid() != null) {
					pid.put("path", "/proc/" + pod.infraPid() + "/ns/pid");
				}
			}
			case TARGET -> throw new InvalidArgument(SC + "namespace_options.pid: TARGET (sharing the PID namespace of "
					+ "container " + options.getTargetId() + ") is not supported");
			case UNRECOGNIZED -> throw new InvalidArgument(
					SC + "namespace_options.pid: unknown namespace mode " + options.getPidValue());
		}
		boolean wantsUserns = options.hasUsernsOptions() && options.getUsernsOptions().getMode() != NamespaceMode.NODE;
		if (wantsUserns && pod.userns() == null) {
			throw new InvalidArgument(SC + "namespace_options.userns_options: mode " + options.getUsernsOptions().getMode()
					+ ", but the pod sandbox has no user namespace of its own");
		}
		joined(out, "user", pod.userns());
		joined(out, "network", pod.netns());
		joined(out, "ipc", pod.ipcns());
		joined(out, "uts", pod.utsns());
		out.addObject().put("type", "mount");
		return out;
	}

	private static void joined(ArrayNode out, String type, Path path) {
		if (path != null) {
			out.addObject().put("type", type).put("path", path.toString());
		}
	}

	private static String cgroupParent(String parent) {
		if (parent == null || parent.isBlank()) {
			return DEFAULT_CGROUP_PARENT;
		}
		if (parent.endsWith(".slice")) {
			throw new InvalidArgument("pod linux.cgroup_parent: \"" + parent
					+ "\" is a systemd slice, but this runtime uses the cgroupfs driver");
		}
		String absolute = parent.startsWith("/") ? parent : "/" + parent;
		while (absolute.length() > 1 && absolute.endsWith("/")) {
			absolute = absolute.substring(0, absolute.length() - 1);
		}
		return "/".equals(absolute) ? "" : absolute;
	}

	/** The CRI's list when it gives one, else the defaults; every entry must be absolute. */
	private static List<String> paths(List<String> given, List<String> defaults, String field) {
		if (given.isEmpty()) {
			return defaults;
		}
		for (int i = 0; i < given.size(); i++) {
			if (!given.get(i).startsWith("/")) {
				throw new InvalidArgument(SC + field + "[" + i + "]: \"" + given.get(i) + "\" is not an absolute path");
			}
		}
		return given;
	}

	/**
	 * AppArmor is not enabled on these hosts. A profile that only means "the runtime's default"
	 * or "none" changes nothing; a named profile cannot be honoured and is refused.
	 */
	private static void checkAppArmor(LinuxContainerSecurityContext sc) {
		if (sc.hasApparmor()) {
			SecurityProfile profile = sc.getApparmor();
			switch (profile.getProfileType()) {
				case RuntimeDefault, Unconfined -> {
				}
				case Localhost -> throw new InvalidArgument(SC + "apparmor.localhost_ref: AppArmor profile \""
						+ profile.getLocalhostRef() + "\" cannot be applied: AppArmor is not enabled on this host");
				case UNRECOGNIZED -> throw new InvalidArgument(
						SC + "apparmor.profile_type: unknown AppArmor profile type " + profile.getProfileTypeValue());
			}
			return;
		}
		String deprecated = sc.getApparmorProfile();
		switch (deprecated) {
			case "", "runtime/default", "unconfined" -> {
			}
			default -> {
				if (deprecated.startsWith("localhost/")) {
					throw new InvalidArgument(SC + "apparmor_profile: AppArmor profile \"" + deprecated
							+ "\" cannot be applied: AppArmor is not enabled on this host");
				}
				throw new InvalidArgument(SC + "apparmor_profile: unknown AppArmor profile \"" + deprecated + "\"");
			}
		}
	}

	private static ObjectNode annotations(SpecInput in) {
		Map<String, String> all = new TreeMap<>(in.config().getAnnotationsMap());
		all.put("io.kubernetes.cri.container-type", "container");
		all.put("io.kubernetes.cri.container-name", in.config().getMetadata().getName());
		all.put("io.kubernetes.cri.sandbox-id", in.sandboxId());
		all.put("io.kubernetes.cri.sandbox-name", in.pod().getMetadata().getName());
		all.put("io.kubernetes.cri.sandbox-namespace", in.pod().getMetadata().getNamespace());
		all.put("io.kubernetes.cri.sandbox-uid", in.pod().getMetadata().getUid());
		String userImage = in.config().getImage().getUserSpecifiedImage();
		all.put("io.kubernetes.cri.image-name", userImage.isEmpty() ? in.config().getImage().getImage() : userImage);
		if (!in.image().stopSignal().isEmpty()) {
			all.put("org.opencontainers.image.stopSignal", in.image().stopSignal());
		}
		ObjectNode out = JSON.objectNode();
		all.forEach(out::put);
		return out;
	}

	private static void strings(ArrayNode array, Iterable<String> values) {
		values.forEach(array::add);
	}

}
