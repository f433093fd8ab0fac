package io.rocketcri.image.registry;

import io.rocketcri.image.reference.ImageReference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Mirrors, insecure and blocked registries, read from the standard containers-registries.conf(5)
 * file that CRI-O, Podman and skopeo read, so a node keeps one file for all of them.
 *
 * <p>
 * Read: v2 {@code [[registry]]} tables ({@code prefix}, {@code location}, {@code insecure},
 * {@code blocked}, {@code mirror-by-digest-only}) with {@code [[registry.mirror]]} tables
 * ({@code location}, {@code insecure}, {@code pull-from-mirror}), and the v1
 * {@code [registries.insecure]} / {@code [registries.block]} lists. Ignored:
 * {@code unqualified-search-registries} and short-name aliases (kubelet's references are
 * normalised to docker.io, never searched), and the {@code registries.conf.d} drop-ins.
 *
 * <p>
 * The longest matching prefix wins. Rewriting replaces the matched prefix with the location:
 * with prefix {@code registry.k8s.io} and mirror {@code 127.0.0.1:5000},
 * {@code registry.k8s.io/e2e-test-images/busybox} is pulled as
 * {@code 127.0.0.1:5000/e2e-test-images/busybox} first.
 */
public final class RegistriesConfig {

	private static final RegistriesConfig EMPTY = new RegistriesConfig(List.of(), "(no registries.conf)");

	/** Longest prefix first, so the first match is the one to use. */
	private final List<RegistryTable> registries;

	private final String source;

	RegistriesConfig(List<RegistryTable> registries, String source) {
		this.registries = registries.stream()
			.sorted(Comparator.comparingInt((RegistryTable r) -> r.prefix().length()).reversed())
			.toList();
		this.source = source;
	}

	/** No file: every registry direct over HTTPS. */
	public static RegistriesConfig empty() {
		return EMPTY;
	}

	/**
	 * Reads a registries.conf. A missing file is the empty configuration (most nodes have none).
	 * @throws IllegalArgumentException naming the file and line when it is not valid
	 * @throws UncheckedIOException when it exists but cannot be read
	 */
	public static RegistriesConfig load(Path file) {
		String text;
		try {
			text = Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (NoSuchFileException ex) {
			return EMPTY;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("reading registries config " + file + ": " + ex.getMessage(), ex);
		}
		try {
			return parse(text, file.toString());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("reading registries config " + file + ": " + ex.getMessage(), ex);
		}
	}

	/** Parses registries.conf text; {@code source} names it in messages. */
	static RegistriesConfig parse(String text, String source) {
		Map<String, Object> document = TomlSubsetParser.parse(text);
		List<RegistryTable> tables = new ArrayList<>();
		for (Map<String, Object> registry : tableList(document.get("registry"), "registry")) {
			tables.add(registryTable(registry));
		}
		if (document.get("registries") instanceof Map<?, ?> v1) {
			for (String host : strings(v1, "insecure")) {
				tables.add(new RegistryTable(host, host, true, false, false, List.of()));
			}
			for (String host : strings(v1, "block")) {
				tables.add(new RegistryTable(host, host, false, true, false, List.of()));
			}
		}
		return new RegistriesConfig(tables, source);
	}

	private static RegistryTable registryTable(Map<String, Object> table) {
		String location = string(table, "location", "registry");
		String prefix = string(table, "prefix", "registry");
		if (prefix == null && location == null) {
			throw new IllegalArgumentException("a [[registry]] table needs a prefix or a location");
		}
		if (prefix == null) {
			prefix = location;
		}
		if (location == null || location.isEmpty()) {
			location = prefix;
		}
		List<RegistryTable.MirrorTable> mirrors = new ArrayList<>();
		for (Map<String, Object> mirror : tableList(table.get("mirror"), "registry.mirror")) {
			String mirrorLocation = string(mirror, "location", "registry.mirror");
			if (mirrorLocation == null || mirrorLocation.isEmpty()) {
				throw new IllegalArgumentException("mirror of registry \"" + prefix + "\" has no location");
			}
			String pullFrom = Optional.ofNullable(string(mirror, "pull-from-mirror", "registry.mirror")).orElse("all");
			if (!List.of("all", "digest-only", "tag-only").contains(pullFrom)) {
				throw new IllegalArgumentException("pull-from-mirror of mirror \"" + mirrorLocation
						+ "\" must be all, digest-only or tag-only, not \"" + pullFrom + "\"");
			}
			mirrors.add(new RegistryTable.MirrorTable(stripSlash(mirrorLocation),
					bool(mirror, "insecure", "registry.mirror"), pullFrom));
		}
		return new RegistryTable(stripSlash(prefix), stripSlash(location), bool(table, "insecure", "registry"),
				bool(table, "blocked", "registry"), bool(table, "mirror-by-digest-only", "registry"), mirrors);
	}

	/**
	 * Where to pull {@code ref} from, in order: the matching table's mirrors (those allowed for a
	 * tag or digest reference), then the registry itself at its (possibly rewritten) location.
	 * Empty when the registry is blocked: see {@link #blocked(ImageReference)}.
	 */
	public List<Endpoint> endpointsFor(ImageReference ref) {
		String repository = ref.repository();
		RegistryTable table = match(ref).orElse(null);
		if (table == null) {
			return List.of(endpoint(repository, false, false));
		}
		if (table.blocked()) {
			return List.of();
		}
		String rest;
		String location;
		if (table.wildcard()) {
			rest = repository.substring(ref.domain().length());
			location = ref.domain();
		}
		else {
			rest = repository.substring(table.prefix().length());
			location = table.location();
		}
		boolean byDigest = ref.digest() != null;
		List<Endpoint> endpoints = new ArrayList<>();
		if (byDigest || !table.mirrorByDigestOnly()) {
			for (RegistryTable.MirrorTable mirror : table.mirrors()) {
				if (mirror.serves(byDigest)) {
					endpoints.add(endpoint(mirror.location() + rest, mirror.insecure(), true));
				}
			}
		}
		endpoints.add(endpoint(location + rest, table.insecure(), false));
		return List.copyOf(endpoints);
	}

	/** Whether registries.conf forbids pulling {@code ref} ({@code blocked = true}). */
	public boolean blocked(ImageReference ref) {
		return match(ref).map(RegistryTable::blocked).orElse(false);
	}

	/** The file this configuration was read from, for messages. */
	public String source() {
		return this.source;
	}

	private Optional<RegistryTable> match(ImageReference ref) {
		String repository = ref.repository();
		return this.registries.stream().filter(r -> r.matches(repository, ref.domain())).findFirst();
	}

	/**
	 * Splits a rewritten name {@code host[:port]/path} into an endpoint, mapping docker.io to its
	 * API host (and a one-component Hub path to {@code library/}, as reference parsing would).
	 */
	private static Endpoint endpoint(String name, boolean insecure, boolean mirror) {
		int slash = name.indexOf('/');
		if (slash <= 0 || slash == name.length() - 1) {
			throw new IllegalArgumentException("registries.conf rewrites to \"" + name + "\", which has no repository path");
		}
		String host = name.substring(0, slash);
		String path = name.substring(slash + 1);
		if (RegistryHosts.DOCKER_HUB.equals(host) && path.indexOf('/') < 0) {
			path = "library/" + path;
		}
		return new Endpoint(RegistryHosts.apiHost(host), path, insecure, mirror);
	}

	private static String stripSlash(String value) {
		return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
	}

	private static List<Map<String, Object>> tableList(Object value, String name) {
		if (value == null) {
			return List.of();
		}
		if (!(value instanceof List<?> list)) {
			throw new IllegalArgumentException("\"" + name + "\" must be an array of tables ([[" + name + "]])");
		}
		List<Map<String, Object>> tables = new ArrayList<>();
		for (Object element : list) {
			if (!(element instanceof Map<?, ?> map)) {
				throw new IllegalArgumentException("\"" + name + "\" must be an array of tables ([[" + name + "]])");
			}
			@SuppressWarnings("unchecked")
			Map<String, Object> table = (Map<String, Object>) map;
			tables.add(table);
		}
		return tables;
	}

	private static String string(Map<String, Object> table, String key, String where) {
		Object value = table.get(key);
		if (value == null || value instanceof String) {
			return (String) value;
		}
		throw new IllegalArgumentException(where + "." + key + " must be a string, not " + value);
	}

	private static boolean bool(Map<String, Object> table, String key, String where) {
		Object value = table.get(key);
		if (value == null || value instanceof Boolean) {
			return Boolean.TRUE.equals(value);
		}
		throw new IllegalArgumentException(where + "." + key + " must be true or false, not " + value);
	}

	private static List<String> strings(Map<?, ?> v1, String section) {
		if (!(v1.get(section) instanceof Map<?, ?> table) || !(table.get("registries") instanceof List<?> list)) {
			return List.of();
		}
		return list.stream().map(String::valueOf).map(RegistriesConfig::stripSlash).toList();
	}

	@Override
	public String toString() {
		return "RegistriesConfig[" + this.source + ", " + this.registries.size() + " registries]";
	}

}
