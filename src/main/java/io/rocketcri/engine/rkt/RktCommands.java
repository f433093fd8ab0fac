package io.rocketcri.engine.rkt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The argv of every rkt call the engine makes, and nothing else: no forking here, so that the
 * exact command lines are unit-tested. Every call names rkt's data directory, so that rocket-cri's
 * pods never mix with an operator's own {@code /var/lib/rkt}.
 */
public final class RktCommands {

	/** Pod annotation that switches stage1's iottymux to writing one log file per app. */
	static final String LOG_MODE = "coreos.com/rkt/experiment/logmode=k8s-plain";

	static final String LOG_DIR_ANNOTATION = "coreos.com/rkt/experiment/kubernetes-log-dir=";

	static final String LOG_PATH_ANNOTATION = "coreos.com/rkt/experiment/kubernetes-log-path=";

	static final String STDOUT_STREAM = "coreos.com/rkt/stage2/stdout=stream";

	static final String STDERR_STREAM = "coreos.com/rkt/stage2/stderr=stream";

	/** User annotation on the rkt pod, so that an operator running {@code rkt list} sees whose it is. */
	static final String POD_ID_ANNOTATION = "io.rocketcri.pod-id=";

	/**
	 * Every rkt call runs with this: rkt 1.30 hides the {@code app} commands behind its "app"
	 * experiment; without it {@code rkt app} is an unknown command.
	 */
	static final java.util.Map<String, String> ENV = java.util.Map.of("RKT_EXPERIMENT_APP", "true");

	private final String rkt;

	private final Path dataDir;

	private final Path stage1Image;

	/** @param stage1Image null for the stage1 rkt was built with */
	public RktCommands(String rkt, Path dataDir, Path stage1Image) {
		this.rkt = rkt;
		this.dataDir = dataDir;
		this.stage1Image = stage1Image;
	}

	String binary() {
		return rkt;
	}

	Path dataDir() {
		return dataDir;
	}

	Path stage1Image() {
		return stage1Image;
	}

	List<String> version() {
		return List.of(rkt, "version");
	}

	/**
	 * {@code rkt app sandbox}: an empty pod that apps are added to later. The pod always uses
	 * {@code --net=host}: for a pod with its own network the engine starts rkt inside the pod's
	 * pinned network namespace (see {@link RktPodEngine}), so the network is rocket-cri's CNI
	 * set-up, the same as for runc pods, and rkt never runs CNI itself.
	 */
	List<String> sandbox(SandboxArgs args) {
		// "image": a stage1 given by path has no signature next to it
		List<String> argv = new ArrayList<>(List.of(rkt, dir(), "--insecure-options=image", "app", "sandbox",
				"--uuid-file-save=" + args.uuidFile()));
		if (stage1Image != null) {
			argv.add("--stage1-path=" + stage1Image);
		}
		argv.add("--net=host");
		if (args.hostname() != null && !args.hostname().isBlank()) {
			argv.add("--hostname=" + args.hostname());
		}
		if (args.hostNetwork()) {
			// the host's /etc/hosts, as a runc pod on the host network sees it
			argv.add("--hosts-entry=host");
		}
		args.dnsServers().forEach(s -> argv.add("--dns=" + s));
		args.dnsSearches().forEach(s -> argv.add("--dns-search=" + s));
		args.dnsOptions().forEach(s -> argv.add("--dns-opt=" + s));
		// with no /etc/resolv.conf flags, rkt leaves the image's own; a runc pod without DNS config
		// gets the host's, so give rkt the host's too
		if (args.dnsServers().isEmpty() && args.dnsSearches().isEmpty() && args.dnsOptions().isEmpty()) {
			argv.add("--dns=host");
		}
		argv.add("--annotation=" + LOG_MODE);
		argv.add("--annotation=" + LOG_DIR_ANNOTATION + args.rawLogDir());
		argv.add("--user-annotation=" + POD_ID_ANNOTATION + args.podId());
		if (args.noOverlay()) {
			argv.add("--no-overlay");
		}
		return List.copyOf(argv);
	}

	/**
	 * {@code rkt fetch docker://…}: rkt converts the image (docker2aci) into its own store and
	 * prints the image id. Docker images carry no signature rkt could check ({@code image}), and a
	 * registry without TLS, such as a node-local one, needs {@code http}.
	 */
	List<String> fetch(String imageReference) {
		return List.of(rkt, dir(), "--insecure-options=image,http", "fetch", "--full", "--pull-policy=new",
				"docker://" + imageReference);
	}

	/** {@code rkt app add}: the container as an app of the pod, created but not started. */
	List<String> appAdd(String uuid, String imageId, AppArgs app) {
		List<String> argv = new ArrayList<>(List.of(rkt, dir(), "app", "add", uuid, imageId, "--name=" + app.name()));
		argv.add("--annotation=" + LOG_PATH_ANNOTATION + app.rawLogName());
		// stage1 writes the k8s-plain log only for streamed output; annotations rather than the
		// --stdout/--stderr flags, which rkt hides behind its "attach" experiment
		argv.add("--annotation=" + STDOUT_STREAM);
		argv.add("--annotation=" + STDERR_STREAM);
		app.env().forEach(e -> argv.add("--environment=" + e));
		if (app.workingDir() != null && !app.workingDir().isBlank()) {
			argv.add("--working-dir=" + app.workingDir());
		}
		if (app.uid() != null) {
			argv.add("--user=" + app.uid());
		}
		if (app.gid() != null) {
			argv.add("--group=" + app.gid());
		}
		if (!app.supplementaryGids().isEmpty()) {
			argv.add("--supplementary-gids=" + String.join(",", app.supplementaryGids().stream().map(String::valueOf).toList()));
		}
		// isolators, like every per-app flag, follow the image they are for
		AppArgs.Limits limits = app.limits();
		if (limits.memoryBytes() != null) {
			argv.add("--memory=" + limits.memoryBytes());
		}
		if (limits.cpuMillis() != null) {
			argv.add("--cpu=" + limits.cpuMillis() + "m");
		}
		if (limits.cpuShares() != null) {
			argv.add("--cpu-shares=" + limits.cpuShares());
		}
		if (limits.oomScoreAdj() != null) {
			argv.add("--oom-score-adj=" + limits.oomScoreAdj());
		}
		int n = 0;
		for (AppArgs.Volume v : app.volumes()) {
			argv.add("--mnt-volume=name=v%d,kind=host,source=%s,target=%s,readOnly=%b".formatted(n++, v.source(),
					v.target(), v.readOnly()));
		}
		if (!app.command().isEmpty()) {
			argv.add("--exec=" + app.command().getFirst());
			if (app.command().size() > 1) {
				// "--" opens the app's own arguments and "---" closes them
				argv.add("--");
				argv.addAll(app.command().subList(1, app.command().size()));
				argv.add("---");
			}
		}
		return List.copyOf(argv);
	}

	List<String> appStart(String uuid, String app) {
		return List.of(rkt, dir(), "app", "start", uuid, "--app=" + app);
	}

	List<String> appStop(String uuid, String app) {
		return List.of(rkt, dir(), "app", "stop", uuid, "--app=" + app);
	}

	List<String> appRm(String uuid, String app) {
		return List.of(rkt, dir(), "app", "rm", uuid, "--app=" + app);
	}

	List<String> appStatus(String uuid, String app) {
		return List.of(rkt, dir(), "app", "status", uuid, "--app=" + app, "--format=json");
	}

	/** {@code rkt app exec}: everything after the pod uuid is the command (rkt stops parsing flags there). */
	List<String> appExec(String uuid, String app, List<String> command) {
		List<String> argv = new ArrayList<>(List.of(rkt, dir(), "app", "exec", "--app=" + app, uuid));
		argv.addAll(command);
		return List.copyOf(argv);
	}

	/** {@code rkt status}, waiting up to {@code waitReady} for the pod to be ready (zero: answer at once). */
	List<String> status(String uuid, Duration waitReady) {
		List<String> argv = new ArrayList<>(List.of(rkt, dir(), "status", "--format=json"));
		if (waitReady != null && !waitReady.isZero() && !waitReady.isNegative()) {
			argv.add("--wait-ready=" + Math.max(1, waitReady.toSeconds()) + "s");
		}
		argv.add(uuid);
		return List.copyOf(argv);
	}

	/** Where rkt records the pid of a pod's stage1 process (systemd-nspawn for the host flavor). */
	Path stage1PidFile(String uuid) {
		return dataDir.resolve("pods").resolve("run").resolve(uuid).resolve("ppid");
	}

	/**
	 * Asks the pod's own systemd (pid {@code systemdPid} on the host) to start its default
	 * target, which holds stage1's supervisor-ready service; a no-op when it is started already.
	 */
	static List<String> startDefaultTarget(long systemdPid) {
		return List.of("nsenter", "--target=" + systemdPid, "--mount", "--pid", "--", "systemctl", "start", "--no-block",
				"default.target");
	}

	/** {@code rkt stop}: {@code force} kills the pod's processes instead of asking stage1 to shut down. */
	List<String> stop(String uuid, boolean force) {
		return force ? List.of(rkt, dir(), "stop", "--force=true", uuid) : List.of(rkt, dir(), "stop", uuid);
	}

	List<String> rm(String uuid) {
		return List.of(rkt, dir(), "rm", uuid);
	}

	private String dir() {
		return "--dir=" + dataDir;
	}

	/**
	 * @param uuidFile where rkt writes the pod's uuid once it has one
	 * @param rawLogDir where stage1 writes the apps' logs in its own format
	 * @param noOverlay whether to copy images instead of overlay-mounting them (needed when the
	 * data directory is not on a shared mount)
	 */
	record SandboxArgs(String podId, Path uuidFile, String hostname, boolean hostNetwork, List<String> dnsServers,
			List<String> dnsSearches, List<String> dnsOptions, Path rawLogDir, boolean noOverlay) {

		SandboxArgs {
			dnsServers = List.copyOf(dnsServers);
			dnsSearches = List.copyOf(dnsSearches);
			dnsOptions = List.copyOf(dnsOptions);
		}
	}

	/**
	 * @param name the app name, unique in the pod
	 * @param rawLogName the log file name under the pod's raw log directory
	 * @param env {@code KEY=VALUE} entries
	 * @param command the whole process argv, empty for the image's own
	 * @param uid null for the image's user
	 */
	/** @param limits the app's resource isolators; {@link Limits#NONE} for none */
	record AppArgs(String name, String rawLogName, List<String> command, List<String> env, String workingDir, Long uid,
			Long gid, List<Long> supplementaryGids, List<Volume> volumes, Limits limits) {

		AppArgs {
			command = List.copyOf(command);
			env = List.copyOf(env);
			supplementaryGids = List.copyOf(supplementaryGids);
			volumes = List.copyOf(volumes);
			limits = limits == null ? Limits.NONE : limits;
		}

		record Volume(String source, String target, boolean readOnly) {
		}

		/**
		 * rkt's resource isolators for one app; null where kubelet set nothing.
		 * @param cpuMillis the CPU limit in thousandths of a CPU (quota / period)
		 */
		record Limits(Long memoryBytes, Long cpuMillis, Long cpuShares, Integer oomScoreAdj) {

			static final Limits NONE = new Limits(null, null, null, null);
		}
	}

}
