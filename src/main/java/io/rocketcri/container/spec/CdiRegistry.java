package io.rocketcri.container.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.rocketcri.config.Json;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.failure.InvalidArgument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Container Device Interface specs ({@code *.json}, {@code *.yaml}) from the CDI spec
 * directories, by fully qualified device name {@code vendor.com/class=name}. A device in a later
 * directory overrides one of the same name in an earlier one ({@code /var/run/cdi}, written by
 * drivers at run time, over {@code /etc/cdi}), as the CDI library orders them.
 *
 * <p>The directories are listed on each resolution and files re-read only when their size or
 * modification time changed, so a driver installing a spec needs no restart. A file that does
 * not parse is skipped with a warning (one broken vendor must not take every device down), and
 * named in the error of a device that is then not found.
 */
public final class CdiRegistry {

	private static final Logger log = LoggerFactory.getLogger(CdiRegistry.class);

	/** kubelet's device plugin path: {@code cdi.k8s.io/<plugin>: vendor/class=a,vendor/class=b}. */
	static final String ANNOTATION_PREFIX = "cdi.k8s.io/";

	private static final Pattern KIND = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*");

	private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]*");

	private final List<Path> dirs;

	/** file → what was parsed from it, with the size and mtime it had; guarded by this. */
	private final Map<Path, Loaded> cache = new LinkedHashMap<>();

	private record Loaded(long size, long mtime, Spec spec, String error) {
	}

	/** One spec file: its kind, the edits for any of its devices, and each device's edits. */
	private record Spec(Path file, String kind, CdiEdits common, Map<String, CdiEdits> devices) {
	}

	public CdiRegistry(List<Path> dirs) {
		this.dirs = List.copyOf(dirs);
	}

	public static CdiRegistry none() {
		return new CdiRegistry(List.of());
	}

	public List<Path> dirs() {
		return dirs;
	}

	/**
	 * The merged edits of every CDI device a container asks for, in {@code CDI_devices} or in
	 * kubelet's {@code cdi.k8s.io/} annotations.
	 * @throws InvalidArgument naming the field and the device when a name is malformed or unknown
	 */
	CdiEdits resolve(ContainerConfig config) {
		Map<String, String> wanted = new LinkedHashMap<>(); // device name → the field that asked for it
		for (int i = 0; i < config.getCDIDevicesCount(); i++) {
			wanted.putIfAbsent(config.getCDIDevices(i).getName(), "CDI_devices[" + i + "].name");
		}
		config.getAnnotationsMap().entrySet().stream()
			.filter(e -> e.getKey().startsWith(ANNOTATION_PREFIX))
			.sorted(Map.Entry.comparingByKey())
			.forEach(e -> {
				for (String name : e.getValue().split(",")) {
					if (!name.isBlank()) {
						wanted.putIfAbsent(name.strip(), "annotations[" + e.getKey() + "]");
					}
				}
			});
		if (wanted.isEmpty()) {
			return CdiEdits.NONE;
		}
		Map<String, Spec> byDevice = new LinkedHashMap<>();
		List<String> broken = new ArrayList<>();
		for (Spec spec : specs(broken)) {
			for (String device : spec.devices().keySet()) {
				byDevice.put(spec.kind() + "=" + device, spec); // later directories win
			}
		}
		CdiEdits edits = CdiEdits.NONE;
		Set<Path> commonApplied = new LinkedHashSet<>();
		for (Map.Entry<String, String> want : wanted.entrySet()) {
			String name = want.getKey();
			int eq = name.indexOf('=');
			if (eq < 0 || !KIND.matcher(name.substring(0, eq)).matches() || !DEVICE.matcher(name.substring(eq + 1)).matches()) {
				throw new InvalidArgument(want.getValue() + ": \"" + name
						+ "\" is not a fully qualified CDI device name (vendor.com/class=device)");
			}
			Spec spec = byDevice.get(name);
			if (spec == null) {
				throw new InvalidArgument(want.getValue() + ": unknown CDI device " + name + " (no spec in " + dirs
						+ " defines it" + (broken.isEmpty() ? ")" : "; unreadable specs: " + String.join("; ", broken) + ")"));
			}
			if (commonApplied.add(spec.file())) {
				edits = edits.plus(spec.common());
			}
			edits = edits.plus(spec.devices().get(name.substring(eq + 1)));
		}
		return edits;
	}

	private synchronized List<Spec> specs(List<String> broken) {
		List<Spec> specs = new ArrayList<>();
		Set<Path> seen = new LinkedHashSet<>();
		for (Path dir : dirs) {
			if (!Files.isDirectory(dir)) {
				continue;
			}
			List<Path> files;
			try (Stream<Path> list = Files.list(dir)) {
				files = list.filter(f -> {
					String n = f.getFileName().toString();
					return n.endsWith(".json") || n.endsWith(".yaml") || n.endsWith(".yml");
				}).sorted().toList();
			}
			catch (IOException ex) {
				broken.add(dir + ": " + ex.getMessage());
				continue;
			}
			for (Path file : files) {
				seen.add(file);
				Loaded loaded = load(file);
				if (loaded.spec() != null) {
					specs.add(loaded.spec());
				}
				else {
					broken.add(file + ": " + loaded.error());
				}
			}
		}
		cache.keySet().retainAll(seen);
		return specs;
	}

	private Loaded load(Path file) {
		long size;
		long mtime;
		try {
			size = Files.size(file);
			mtime = Files.getLastModifiedTime(file).toMillis();
		}
		catch (IOException ex) {
			return new Loaded(-1, -1, null, ex.getMessage());
		}
		Loaded cached = cache.get(file);
		if (cached != null && cached.size() == size && cached.mtime() == mtime) {
			return cached;
		}
		Loaded loaded;
		try {
			loaded = new Loaded(size, mtime, parse(file), null);
		}
		catch (IOException | RuntimeException ex) {
			log.warn("skipping CDI spec {}: {}", file, ex.getMessage());
			loaded = new Loaded(size, mtime, null, ex.getMessage());
		}
		cache.put(file, loaded);
		return loaded;
	}

	@SuppressWarnings("unchecked")
	static Spec parseText(Path file, String text) {
		Object root = file.getFileName().toString().endsWith(".json") ? Json.MAPPER.readValue(text, Map.class)
				: new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
		if (!(root instanceof Map<?, ?> map)) {
			throw new IllegalArgumentException("not a CDI spec (a mapping with cdiVersion, kind and devices)");
		}
		Map<String, Object> spec = (Map<String, Object>) map;
		if (!(spec.get("cdiVersion") instanceof String)) {
			throw new IllegalArgumentException("cdiVersion is missing");
		}
		String kind = string(spec, "kind");
		if (kind == null || !KIND.matcher(kind).matches()) {
			throw new IllegalArgumentException("kind \"" + kind + "\" is not vendor.com/class");
		}
		Map<String, CdiEdits> devices = new LinkedHashMap<>();
		for (Object d : list(spec, "devices")) {
			Map<String, Object> device = map(d, "devices[]");
			String name = string(device, "name");
			if (name == null || !DEVICE.matcher(name).matches()) {
				throw new IllegalArgumentException("device name \"" + name + "\" is not valid");
			}
			devices.put(name, edits(device.get("containerEdits")));
		}
		return new Spec(file, kind, edits(spec.get("containerEdits")), devices);
	}

	private static Spec parse(Path file) throws IOException {
		return parseText(file, Files.readString(file));
	}

	private static CdiEdits edits(Object node) {
		if (node == null) {
			return CdiEdits.NONE;
		}
		Map<String, Object> edits = map(node, "containerEdits");
		List<String> env = list(edits, "env").stream().map(String::valueOf).toList();
		List<CdiEdits.DeviceNode> nodes = new ArrayList<>();
		for (Object n : list(edits, "deviceNodes")) {
			Map<String, Object> m = map(n, "deviceNodes[]");
			String path = string(m, "path");
			if (path == null || !path.startsWith("/")) {
				throw new IllegalArgumentException("deviceNodes[].path \"" + path + "\" is not absolute");
			}
			nodes.add(new CdiEdits.DeviceNode(path, string(m, "hostPath"), string(m, "permissions")));
		}
		List<CdiEdits.MountEdit> mounts = new ArrayList<>();
		for (Object n : list(edits, "mounts")) {
			Map<String, Object> m = map(n, "mounts[]");
			String host = string(m, "hostPath");
			String container = string(m, "containerPath");
			if (host == null || container == null) {
				throw new IllegalArgumentException("mounts[] needs hostPath and containerPath");
			}
			mounts.add(new CdiEdits.MountEdit(host, container,
					list(m, "options").stream().map(String::valueOf).anyMatch("ro"::equals)));
		}
		List<CdiEdits.Hook> hooks = new ArrayList<>();
		for (Object n : list(edits, "hooks")) {
			Map<String, Object> m = map(n, "hooks[]");
			String hookName = string(m, "hookName");
			if (!CdiEdits.HOOK_NAMES.contains(hookName)) {
				throw new IllegalArgumentException("hooks[].hookName \"" + hookName + "\" is not one of " + CdiEdits.HOOK_NAMES);
			}
			String path = string(m, "path");
			if (path == null || !path.startsWith("/")) {
				throw new IllegalArgumentException("hooks[].path \"" + path + "\" is not absolute");
			}
			Object timeout = m.get("timeout");
			hooks.add(new CdiEdits.Hook(hookName, path, list(m, "args").stream().map(String::valueOf).toList(),
					list(m, "env").stream().map(String::valueOf).toList(),
					timeout instanceof Number t ? t.intValue() : null));
		}
		return new CdiEdits(env, nodes, mounts, hooks);
	}

	private static String string(Map<String, Object> map, String key) {
		Object value = map.get(key);
		return value == null ? null : String.valueOf(value);
	}

	private static List<?> list(Map<String, Object> map, String key) {
		Object value = map.get(key);
		if (value == null) {
			return List.of();
		}
		if (!(value instanceof List<?> list)) {
			throw new IllegalArgumentException(key + " is not a list");
		}
		return list;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value, String what) {
		if (!(value instanceof Map<?, ?> map)) {
			throw new IllegalArgumentException(what + " is not a mapping");
		}
		return (Map<String, Object>) map;
	}

}
