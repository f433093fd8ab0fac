package io.rocketcri.engine.ns;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import io.rocketcri.engine.CommandRunner;
import io.rocketcri.engine.CommandRunner.Command;
import io.rocketcri.engine.HostOs;
import io.rocketcri.engine.HostOsException;

/**
 * Pins namespaces: network, IPC and UTS namespaces are created by unshare(2) on a throw-away
 * thread of the runtime itself ({@link HostOs#pinNewNamespaces}: these three kinds are per thread,
 * as Go's netns packages use them), which also sets the host name and brings {@code lo} up, then
 * bind-mounts each onto its file and ends. It replaced util-linux
 * {@code unshare --net=FILE … hostname NAME} (5–9 ms of process spawn per pod, measured in
 * LifecycleBenchmark). A user namespace cannot be entered by one thread of a multithreaded
 * process: {@link #pinInUserNamespace} still uses a helper process.
 *
 * <p>Layout: {@code <stateRoot>/ns/<net|ipc|uts>/<podId>}. {@code <stateRoot>/ns} is made a mount
 * point of its own with private propagation on first use (as {@code ip netns} does for
 * {@code /run/netns}): unshare refuses to pin onto a shared mount, and private propagation keeps
 * every pin out of other mount namespaces, so unmounting it here really releases the namespace.
 *
 * <p>Thread safety: stateless apart from the once-only root setup, which is synchronized; pins of
 * one pod id are exclusive through {@link Files#createFile} (fails when the file exists).
 */
public final class UnsharePinner implements NamespacePinner {

	/** What a DNS label or FQDN may contain; also keeps the name from being read as an option of hostname(1). */
	private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,62})?");

	private static final Duration HELPER_TIMEOUT = Duration.ofSeconds(30);

	/** Unmounting stacked mounts: more than this on one file means something else is mounting there. */
	private static final int MAX_STACKED_MOUNTS = 8;

	private final Path stateRoot;

	private final CommandRunner runner;

	private final HostOs host;

	/** Guarded by {@code this}: the real path of {@code <stateRoot>/ns} once it is a private mount. */
	private Path root;

	/**
	 * @param stateRoot the runtime's state root (a tmpfs such as /run/rocket-cri); pins go under {@code ns/}
	 * @param runner runs the user namespace helper and nsenter
	 * @param host mounts the pin directory and unmounts pins
	 */
	public UnsharePinner(Path stateRoot, CommandRunner runner, HostOs host) {
		this.stateRoot = stateRoot;
		this.runner = runner;
		this.host = host;
	}

	@Override
	public PinnedNamespaces pin(String podId, Set<NamespaceType> types, String hostname) throws IOException {
		PodIds.requireSafe(podId);
		if (types.contains(NamespaceType.USER)) {
			throw new IllegalArgumentException("a user namespace of pod " + podId + " needs its id mappings: use pinInUserNamespace");
		}
		boolean setHostname = types.contains(NamespaceType.UTS) && hostname != null;
		if (setHostname && !HOSTNAME.matcher(hostname).matches()) {
			throw new IllegalArgumentException("host name '" + hostname + "' of pod " + podId
					+ " is not a valid host name (letters, digits, '-' and '.', at most 64 characters)");
		}
		if (types.isEmpty()) {
			return new PinnedNamespaces(podId, Map.of());
		}
		Path dir = root();
		Map<NamespaceType, Path> paths = new EnumMap<>(NamespaceType.class);
		for (NamespaceType type : EnumSet.copyOf(types)) {
			Path file = dir.resolve(type.kernelName()).resolve(podId);
			if (MountTable.isNamespacePin(file)) {
				throw new FileAlreadyExistsException(file.toString(), null,
						"the " + type + " namespace of pod " + podId + " is already pinned");
			}
			paths.put(type, file);
		}
		PinnedNamespaces pinned = new PinnedNamespaces(podId, paths);
		Map<NamespaceType, Path> created = new EnumMap<>(NamespaceType.class);
		try {
			for (Map.Entry<NamespaceType, Path> pin : paths.entrySet()) {
				// A file without a mount is a leftover of a pin that crashed half-way: reuse the name.
				Files.deleteIfExists(pin.getValue());
				Files.createFile(pin.getValue());
				created.put(pin.getKey(), pin.getValue());
			}
			// In-process: a fresh thread unshares, names the host, brings lo up and mounts the pins
			// (HostOs#pinNewNamespaces); util-linux unshare plus nsenter ip cost two process spawns.
			Map<String, Path> byKind = new java.util.LinkedHashMap<>();
			paths.forEach((type, file) -> byKind.put(type.kernelName(), file));
			this.host.pinNewNamespaces(byKind, setHostname ? hostname : null);
			for (Path file : paths.values()) {
				if (!MountTable.isNamespacePin(file)) {
					throw new IOException(file + " is not a namespace mount after unshare succeeded");
				}
			}
			return pinned;
		}
		catch (IOException | RuntimeException ex) {
			try {
				// Only what this call created: a concurrent pin of the same id keeps its files.
				unpin(new PinnedNamespaces(podId, created));
			}
			catch (IOException | RuntimeException undo) {
				ex.addSuppressed(undo);
			}
			throw new IOException("pinning " + paths.keySet() + " namespaces of pod " + podId + ": " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * util-linux's own {@code --user=FILE} pin fails (EPERM) and its {@code --map-users} needs
	 * newuidmap and /etc/subuid; so the helper only unshares and waits, and the runtime (root on
	 * the host) writes the id maps into {@code /proc/<pid>/} and bind-mounts the helper's
	 * namespaces onto the pins itself, and lets the helper exit. The host name is set from the
	 * host with nsenter: the helper's shell lost its capabilities when it was exec'd with an id
	 * not yet mapped, while host root holds CAP_SYS_ADMIN over every namespace below it.
	 */
	@Override
	public PinnedNamespaces pinInUserNamespace(String podId, Set<NamespaceType> types, String hostname, IdMapping uids,
			IdMapping gids) throws IOException {
		PodIds.requireSafe(podId);
		boolean setHostname = types.contains(NamespaceType.UTS) && hostname != null;
		if (setHostname && !HOSTNAME.matcher(hostname).matches()) {
			throw new IllegalArgumentException("host name '" + hostname + "' of pod " + podId
					+ " is not a valid host name (letters, digits, '-' and '.', at most 64 characters)");
		}
		Set<NamespaceType> all = EnumSet.copyOf(types.isEmpty() ? EnumSet.of(NamespaceType.USER) : types);
		all.add(NamespaceType.USER);
		Path dir = root();
		MountTable mounts = MountTable.current();
		Map<NamespaceType, Path> paths = new EnumMap<>(NamespaceType.class);
		for (NamespaceType type : all) {
			Path file = dir.resolve(type.kernelName()).resolve(podId);
			if (mounts.isMountPoint(file)) {
				throw new FileAlreadyExistsException(file.toString(), null,
						"the " + type + " namespace of pod " + podId + " is already pinned");
			}
			paths.put(type, file);
		}
		Map<NamespaceType, Path> created = new EnumMap<>(NamespaceType.class);
		Process helper = null;
		try {
			for (Map.Entry<NamespaceType, Path> pin : paths.entrySet()) {
				Files.deleteIfExists(pin.getValue());
				Files.createFile(pin.getValue());
				created.put(pin.getKey(), pin.getValue());
			}
			List<String> argv = new ArrayList<>(List.of("unshare", "--user"));
			for (NamespaceType type : all) {
				if (type != NamespaceType.USER) {
					argv.add("--" + type.kernelName());
				}
			}
			argv.addAll(List.of("--", "sh", "-c", "echo ready; read go"));
			helper = new ProcessBuilder(argv).redirectErrorStream(true).start();
			java.io.BufferedReader out = new java.io.BufferedReader(
					new java.io.InputStreamReader(helper.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
			String first = readLine(out);
			if (!"ready".equals(first)) {
				throw new IOException("unshare --user did not start: " + first);
			}
			long pid = helper.pid();
			Files.writeString(Path.of("/proc", Long.toString(pid), "uid_map"), uids.mapLine());
			Files.writeString(Path.of("/proc", Long.toString(pid), "gid_map"), gids.mapLine());
			for (Map.Entry<NamespaceType, Path> pin : paths.entrySet()) {
				this.host.mount("/proc/" + pid + "/ns/" + pin.getKey().kernelName(), pin.getValue(), null, HostOs.MS_BIND,
						null);
			}
			helper.getOutputStream().write("go\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
			helper.getOutputStream().close();
			if (!helper.waitFor(HELPER_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
				throw new IOException("unshare --user helper did not finish within " + HELPER_TIMEOUT.toSeconds() + "s");
			}
			if (helper.exitValue() != 0) {
				throw new IOException("unshare --user helper failed (exit " + helper.exitValue() + "): "
						+ new String(helper.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip());
			}
			if (setHostname) {
				this.runner.check(new Command(List.of("nsenter", NamespaceType.UTS.option(paths.get(NamespaceType.UTS)),
						"hostname", hostname), Map.of(), null, null, HELPER_TIMEOUT));
			}
			MountTable after = MountTable.current();
			for (Path file : paths.values()) {
				if (!after.isNamespaceFile(file)) {
					throw new IOException(file + " is not a namespace mount after pinning");
				}
			}
			return new PinnedNamespaces(podId, paths);
		}
		catch (IOException | RuntimeException | InterruptedException ex) {
			if (helper != null) {
				helper.destroyForcibly();
			}
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			IOException failure = new IOException(
					"pinning " + paths.keySet() + " namespaces of pod " + podId + ": " + ex.getMessage(), ex);
			try {
				unpin(new PinnedNamespaces(podId, created));
			}
			catch (IOException | RuntimeException undo) {
				failure.addSuppressed(undo);
			}
			throw failure;
		}
	}

	/** A line of the helper's output, or an exception when it says nothing for the helper timeout. */
	private static String readLine(java.io.BufferedReader out) throws IOException {
		var line = new java.util.concurrent.CompletableFuture<String>();
		Thread.ofVirtual().start(() -> {
			try {
				line.complete(out.readLine());
			}
			catch (IOException ex) {
				line.completeExceptionally(ex);
			}
		});
		try {
			return line.get(HELPER_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
		}
		catch (java.util.concurrent.ExecutionException ex) {
			throw new IOException(ex.getCause());
		}
		catch (java.util.concurrent.TimeoutException ex) {
			throw new IOException("unshare --user helper said nothing within " + HELPER_TIMEOUT.toSeconds() + "s");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted waiting for the unshare --user helper", ex);
		}
	}

	@Override
	public void unpin(PinnedNamespaces pinned) throws IOException {
		IOException failure = null;
		for (Map.Entry<NamespaceType, Path> pin : pinned.paths().entrySet()) {
			try {
				unmountAll(pin.getValue());
				Files.deleteIfExists(pin.getValue());
			}
			catch (IOException ex) {
				IOException named = new IOException("unpinning the " + pin.getKey() + " namespace of pod "
						+ pinned.podId() + " at " + pin.getValue() + ": " + ex.getMessage(), ex);
				if (failure == null) {
					failure = named;
				}
				else {
					failure.addSuppressed(named);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	private void unmountAll(Path file) throws IOException {
		for (int i = 0; i < MAX_STACKED_MOUNTS; i++) {
			try {
				// MNT_DETACH: a process still inside the namespace (nsenter, a plugin) must not make this fail.
				this.host.unmount(file, HostOs.MNT_DETACH);
			}
			catch (HostOsException ex) {
				if (ex.errno() == HostOsException.EINVAL || ex.errno() == HostOsException.ENOENT) {
					return; // not (or no longer) a mount point, or no file at all
				}
				throw ex;
			}
		}
		throw new IOException("still mounted after " + MAX_STACKED_MOUNTS + " unmounts");
	}

	@Override
	public Optional<PinnedNamespaces> find(String podId) {
		PodIds.requireSafe(podId);
		Path dir = this.stateRoot.resolve("ns");
		if (!Files.isDirectory(dir)) {
			return Optional.empty();
		}
		Path real;
		try {
			real = dir.toRealPath();
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		Map<NamespaceType, Path> paths = new EnumMap<>(NamespaceType.class);
		for (NamespaceType type : NamespaceType.values()) {
			Path file = real.resolve(type.kernelName()).resolve(podId);
			if (MountTable.isNamespacePin(file)) {
				paths.put(type, file);
			}
		}
		return paths.isEmpty() ? Optional.empty() : Optional.of(new PinnedNamespaces(podId, paths));
	}

	@Override
	public Set<String> pinnedPodIds() throws IOException {
		Set<String> ids = new TreeSet<>();
		for (NamespaceType type : NamespaceType.values()) {
			Path dir = this.stateRoot.resolve("ns").resolve(type.kernelName());
			if (!Files.isDirectory(dir)) {
				continue;
			}
			try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
				files.forEach(file -> ids.add(file.getFileName().toString()));
			}
		}
		return ids;
	}

	/** Creates {@code <stateRoot>/ns/{net,ipc,uts}} and makes {@code ns} a private mount point, once. */
	private synchronized Path root() throws IOException {
		if (this.root != null) {
			return this.root;
		}
		Path dir = this.stateRoot.resolve("ns");
		for (NamespaceType type : NamespaceType.values()) {
			Files.createDirectories(dir.resolve(type.kernelName()));
		}
		Path real = dir.toRealPath();
		if (!MountTable.current().isMountPoint(real)) {
			this.host.mount(real.toString(), real, null, HostOs.MS_BIND | HostOs.MS_REC, null);
		}
		// Again after a restart too: someone may have changed the propagation in between.
		this.host.mount(null, real, null, HostOs.MS_PRIVATE, null);
		this.root = real;
		return real;
	}

}
