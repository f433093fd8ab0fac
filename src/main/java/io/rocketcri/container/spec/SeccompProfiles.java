package io.rocketcri.container.spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.rocketcri.config.Json;
import io.rocketcri.cri.api.SecurityProfile;
import io.rocketcri.failure.Internal;
import io.rocketcri.failure.InvalidArgument;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The seccomp section of a container's spec ({@code linux.seccomp}).
 *
 * <ul>
 * <li><b>RuntimeDefault</b>: rocket-cri's own policy, {@code seccomp/runtime-default.json} on the
 * class path: an allow-list (everything else EPERM) whose capability-gated entries are kept or
 * dropped for the container's bounding set, so that a container given CAP_SYS_ADMIN may
 * {@code mount} and {@code unshare} and one without it may not.</li>
 * <li><b>Unconfined</b>: no filter.</li>
 * <li><b>Localhost</b>: a JSON file. An absolute {@code localhost_ref} (what kubelet sends: a path
 * under its {@code seccomp/} directory) is read as is; a relative one is resolved under this
 * runtime's profile root and may not leave it. The file may be in the OCI form or in Docker's
 * (with {@code archMap}, {@code includes}/{@code excludes} by capability and architecture, or a
 * single {@code name}); it is normalised to the OCI form runc reads, and actions, operators and
 * argument indexes are checked here so that a typo fails CreateContainer rather than the start.</li>
 * </ul>
 * Privileged containers run unconfined whatever the profile says, as with containerd and CRI-O.
 */
public final class SeccompProfiles {

	/** Actions runc 1.1.5 with libseccomp 2.5.4 accepts ({@code runc features}). */
	private static final Set<String> ACTIONS = Set.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
			"SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
			"SCMP_ACT_TRAP");

	private static final Set<String> OPERATORS = Set.of("SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",
			"SCMP_CMP_GT", "SCMP_CMP_GE", "SCMP_CMP_MASKED_EQ");

	/** Docker's names for this host's architectures in {@code includes.arches}. */
	private static final Set<String> HOST_ARCHES = Set.of("amd64", "x86_64", "386", "x86", "x32");

	private static final String NATIVE_ARCH = "SCMP_ARCH_X86_64";

	private static final String RESOURCE = "/seccomp/runtime-default.json";

	static final String FIELD = "linux.security_context.seccomp";

	private final Path localhostProfileRoot;

	private final JsonNode runtimeDefaultTemplate;

	/**
	 * @param localhostProfileRoot where relative Localhost profiles ({@code localhost_ref}
	 * {@code "my/profile.json"}, deprecated {@code "localhost/my/profile.json"}) are looked up
	 */
	public SeccompProfiles(Path localhostProfileRoot) {
		this.localhostProfileRoot = localhostProfileRoot.toAbsolutePath().normalize();
		try (InputStream in = SeccompProfiles.class.getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException(RESOURCE + " is missing from the class path");
			}
			this.runtimeDefaultTemplate = Json.read(in.readAllBytes());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("reading " + RESOURCE, ex);
		}
	}

	/** The RuntimeDefault profile for a container with the default capability set. */
	public ObjectNode runtimeDefault() {
		return runtimeDefault(Set.copyOf(CapabilitySets.DEFAULTS));
	}

	/** The RuntimeDefault profile for a container whose bounding set is {@code capabilities}. */
	public ObjectNode runtimeDefault(Set<String> capabilities) {
		return normalize(this.runtimeDefaultTemplate, capabilities, "runtime default profile");
	}

	/** {@link #forContainer(SecurityProfile, boolean, Set)} for the default capability set. */
	public Optional<ObjectNode> forContainer(SecurityProfile profile, boolean privileged) {
		return forContainer(profile, privileged, Set.copyOf(CapabilitySets.DEFAULTS));
	}

	/**
	 * The filter for a container; empty = unconfined.
	 *
	 * @param profile the CRI profile; null = none asked for (unconfined, as containerd does when
	 * kubelet sends neither field)
	 * @param capabilities the container's bounding set (capability-gated rules depend on it)
	 * @throws InvalidArgument for an unknown profile type, a Localhost profile without a reference,
	 * a missing or malformed profile file
	 */
	public Optional<ObjectNode> forContainer(SecurityProfile profile, boolean privileged, Set<String> capabilities) {
		return forContainer(profile, privileged, capabilities, FIELD);
	}

	Optional<ObjectNode> forContainer(SecurityProfile profile, boolean privileged, Set<String> capabilities,
			String field) {
		if (profile == null || privileged) {
			return Optional.empty();
		}
		return switch (profile.getProfileType()) {
			case RuntimeDefault -> Optional.of(runtimeDefault(capabilities));
			case Unconfined -> Optional.empty();
			case Localhost -> Optional.of(localhost(profile.getLocalhostRef(), capabilities, field));
			case UNRECOGNIZED -> throw new InvalidArgument(
					field + ".profile_type: unknown seccomp profile type " + profile.getProfileTypeValue());
		};
	}

	/**
	 * The profile a deprecated {@code seccomp_profile_path} string names: {@code runtime/default}
	 * and {@code docker/default} (RuntimeDefault), {@code unconfined}, {@code localhost/<path>};
	 * empty when the string is empty.
	 *
	 * @throws InvalidArgument naming {@code field} for anything else
	 */
	public static Optional<SecurityProfile> fromDeprecatedPath(String path, String field) {
		if (path == null || path.isEmpty()) {
			return Optional.empty();
		}
		SecurityProfile.Builder profile = SecurityProfile.newBuilder();
		switch (path) {
			case "runtime/default", "docker/default" -> profile.setProfileType(SecurityProfile.ProfileType.RuntimeDefault);
			case "unconfined" -> profile.setProfileType(SecurityProfile.ProfileType.Unconfined);
			default -> {
				if (!path.startsWith("localhost/") || path.length() == "localhost/".length()) {
					throw new InvalidArgument(field + ": unknown seccomp profile \"" + path
							+ "\" (expected runtime/default, docker/default, unconfined or localhost/<path>)");
				}
				profile.setProfileType(SecurityProfile.ProfileType.Localhost)
					.setLocalhostRef(path.substring("localhost/".length()));
			}
		}
		return Optional.of(profile.build());
	}

	private ObjectNode localhost(String ref, Set<String> capabilities, String field) {
		if (ref.isEmpty()) {
			throw new InvalidArgument(field + ".localhost_ref: a Localhost seccomp profile needs a localhost_ref");
		}
		Path file;
		if (ref.startsWith("/")) {
			file = Path.of(ref);
		}
		else {
			file = this.localhostProfileRoot.resolve(ref).normalize();
			if (!file.startsWith(this.localhostProfileRoot)) {
				throw new InvalidArgument(field + ".localhost_ref: \"" + ref + "\" leaves the seccomp profile root "
						+ this.localhostProfileRoot);
			}
		}
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(file);
		}
		catch (NoSuchFileException ex) {
			throw new InvalidArgument(field + ".localhost_ref: seccomp profile " + file + " does not exist", ex);
		}
		catch (IOException ex) {
			throw new Internal("reading seccomp profile " + file + ": " + ex.getMessage(), ex);
		}
		JsonNode raw;
		try {
			raw = Json.MAPPER.readTree(bytes);
		}
		catch (JacksonException ex) {
			throw new InvalidArgument(field + ".localhost_ref: seccomp profile " + file + " is not valid JSON: "
					+ ex.getOriginalMessage(), ex);
		}
		return normalize(raw, capabilities, field + ".localhost_ref: seccomp profile " + file);
	}

	/** The OCI form of a profile, with conditional rules decided for {@code capabilities}. */
	private static ObjectNode normalize(JsonNode raw, Set<String> capabilities, String what) {
		if (raw == null || !raw.isObject()) {
			throw new InvalidArgument(what + " is not a JSON object");
		}
		Set<String> caps = LinuxCapabilities.canonicalSet(capabilities);
		ObjectNode out = JsonNodeFactory.instance.objectNode();
		out.put("defaultAction", action(raw.path("defaultAction"), what + ": defaultAction"));
		if (raw.has("defaultErrnoRet")) {
			out.put("defaultErrnoRet", unsigned(raw.get("defaultErrnoRet"), what + ": defaultErrnoRet"));
		}
		ArrayNode architectures = architectures(raw, what);
		if (architectures != null) {
			out.set("architectures", architectures);
		}
		for (String passThrough : List.of("flags", "listenerPath", "listenerMetadata")) {
			if (raw.has(passThrough)) {
				out.set(passThrough, raw.get(passThrough).deepCopy());
			}
		}
		ArrayNode syscalls = out.putArray("syscalls");
		JsonNode rules = raw.path("syscalls");
		for (int i = 0; i < rules.size(); i++) {
			JsonNode rule = rules.get(i);
			String where = what + ": syscalls[" + i + "]";
			if (!rule.isObject()) {
				throw new InvalidArgument(where + " is not an object");
			}
			if (applies(rule, caps)) {
				syscalls.add(syscallRule(rule, where));
			}
		}
		return out;
	}

	private static ArrayNode architectures(JsonNode raw, String what) {
		if (raw.has("architectures")) {
			return strings(raw.get("architectures"), what + ": architectures");
		}
		for (JsonNode entry : raw.path("archMap")) {
			if (NATIVE_ARCH.equals(entry.path("architecture").asString(""))) {
				ArrayNode out = JsonNodeFactory.instance.arrayNode().add(NATIVE_ARCH);
				out.addAll(strings(entry.path("subArchitectures"), what + ": archMap subArchitectures"));
				return out;
			}
		}
		return null;
	}

	/**
	 * Whether a rule is meant for this container: our {@code ifCapability}/{@code unlessCapability}
	 * and Docker's {@code includes}/{@code excludes} ({@code caps}: all required / any excludes;
	 * {@code arches}: this host's; {@code minKernel} is not checked, these kernels are new).
	 */
	private static boolean applies(JsonNode rule, Set<String> caps) {
		if (rule.has("ifCapability")
				&& !caps.contains(LinuxCapabilities.canonical(rule.get("ifCapability").asString("")))) {
			return false;
		}
		if (rule.has("unlessCapability")
				&& caps.contains(LinuxCapabilities.canonical(rule.get("unlessCapability").asString("")))) {
			return false;
		}
		JsonNode includes = rule.path("includes");
		for (JsonNode cap : includes.path("caps")) {
			if (!caps.contains(LinuxCapabilities.canonical(cap.asString("")))) {
				return false;
			}
		}
		if (includes.path("arches").size() > 0 && !anyHostArch(includes.path("arches"))) {
			return false;
		}
		JsonNode excludes = rule.path("excludes");
		for (JsonNode cap : excludes.path("caps")) {
			if (caps.contains(LinuxCapabilities.canonical(cap.asString("")))) {
				return false;
			}
		}
		return !anyHostArch(excludes.path("arches"));
	}

	private static boolean anyHostArch(JsonNode arches) {
		for (JsonNode arch : arches) {
			if (HOST_ARCHES.contains(arch.asString(""))) {
				return true;
			}
		}
		return false;
	}

	private static ObjectNode syscallRule(JsonNode rule, String where) {
		ObjectNode out = JsonNodeFactory.instance.objectNode();
		ArrayNode names;
		if (rule.has("names")) {
			names = strings(rule.get("names"), where + ".names");
		}
		else if (rule.path("name").isString()) {
			names = JsonNodeFactory.instance.arrayNode().add(rule.get("name").asString());
		}
		else {
			names = JsonNodeFactory.instance.arrayNode();
		}
		if (names.isEmpty()) {
			throw new InvalidArgument(where + " names no syscall");
		}
		out.set("names", names);
		out.put("action", action(rule.path("action"), where + ".action"));
		if (rule.has("errnoRet")) {
			out.put("errnoRet", unsigned(rule.get("errnoRet"), where + ".errnoRet"));
		}
		JsonNode args = rule.path("args");
		if (args.isArray() && !args.isEmpty()) {
			ArrayNode outArgs = out.putArray("args");
			for (int a = 0; a < args.size(); a++) {
				JsonNode arg = args.get(a);
				String at = where + ".args[" + a + "]";
				long index = unsigned(arg.path("index"), at + ".index");
				if (index > 5) {
					throw new InvalidArgument(at + ".index: " + index + " is not a syscall argument (0-5)");
				}
				ObjectNode outArg = outArgs.addObject();
				outArg.put("index", index);
				outArg.set("value", unsignedNode(arg.path("value"), at + ".value"));
				if (arg.has("valueTwo")) {
					outArg.set("valueTwo", unsignedNode(arg.get("valueTwo"), at + ".valueTwo"));
				}
				String op = arg.path("op").asString("");
				if (!OPERATORS.contains(op)) {
					throw new InvalidArgument(at + ".op: unknown comparison \"" + op + "\"");
				}
				outArg.put("op", op);
			}
		}
		return out;
	}

	private static String action(JsonNode node, String where) {
		String action = node.asString("");
		if (!ACTIONS.contains(action)) {
			throw new InvalidArgument(where + ": unknown seccomp action \"" + action + "\"");
		}
		return action;
	}

	private static long unsigned(JsonNode node, String where) {
		if (!node.canConvertToLong() || !node.isIntegralNumber() || node.asLong() < 0) {
			throw new InvalidArgument(where + ": expected a non-negative integer, got " + node);
		}
		return node.asLong();
	}

	/** A uint64 argument value, kept exact above Long.MAX_VALUE. */
	private static JsonNode unsignedNode(JsonNode node, String where) {
		if (!node.isIntegralNumber() || node.bigIntegerValue().signum() < 0
				|| node.bigIntegerValue().bitLength() > 64) {
			throw new InvalidArgument(where + ": expected an unsigned 64-bit integer, got " + node);
		}
		return node.deepCopy();
	}

	private static ArrayNode strings(JsonNode node, String where) {
		ArrayNode out = JsonNodeFactory.instance.arrayNode();
		if (!node.isArray()) {
			throw new InvalidArgument(where + ": expected an array of strings");
		}
		for (JsonNode item : node) {
			if (!item.isString() || item.asString().isEmpty()) {
				throw new InvalidArgument(where + ": expected an array of strings, got " + item);
			}
			out.add(item.asString());
		}
		return out;
	}

}
