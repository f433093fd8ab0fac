package io.rocketcri.container.spec;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.rocketcri.cri.api.Capability;
import io.rocketcri.failure.InvalidArgument;

/**
 * The five capability sets of the container process.
 *
 * <p>Rules, in this order (the order containerd and CRI-O share, so that {@code add: [ALL],
 * drop: [CHOWN]} means "everything but CHOWN" and {@code drop: [ALL], add: [NET_ADMIN]} means
 * "only NET_ADMIN"): start from {@link #DEFAULTS}; {@code ALL} in add takes every capability;
 * {@code ALL} in drop empties the set; then single adds, then single drops. A privileged
 * container gets the runtime's whole set instead. The result is then cut down to what the
 * runtime holds ({@link HostLimits#capabilities()}): runc cannot grant a capability its parent
 * lacks, and asking for one (CAP_SYS_RESOURCE on these hosts) fails the container, so a capability
 * the runtime does not hold is left out rather than asked for.
 *
 * <p>Bounding, effective and permitted are the same set. Inheritable is empty (a non-empty
 * inheritable set let file capabilities of a setuid-less binary survive exec: CVE-2022-24769)
 * except for ambient capabilities, which the kernel only keeps when they are also inheritable.
 * Ambient capabilities ({@code add_ambient_capabilities}) are set only for a non-root user: root
 * gets its permitted set back on every exec anyway.
 */
record CapabilitySets(Set<String> bounding, Set<String> inheritable, Set<String> ambient) {

	/** What an unprivileged container gets when the CRI asks for nothing. */
	static final List<String> DEFAULTS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
			"CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
			"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

	private static final String FIELD = "linux.security_context.capabilities.";

	static CapabilitySets of(Capability requested, boolean privileged, boolean rootUser, Set<String> held) {
		Set<String> set = new TreeSet<>(LinuxCapabilities.BIT_ORDER);
		List<String> add = requested.getAddCapabilitiesList();
		List<String> drop = requested.getDropCapabilitiesList();
		if (privileged) {
			set.addAll(held);
		}
		else {
			set.addAll(DEFAULTS);
			if (add.stream().anyMatch(CapabilitySets::isAll)) {
				set.addAll(LinuxCapabilities.all());
			}
			if (drop.stream().anyMatch(CapabilitySets::isAll)) {
				set.clear();
			}
			set.addAll(named(add, "add_capabilities"));
			set.removeAll(named(drop, "drop_capabilities"));
		}
		Set<String> ambient = named(requested.getAddAmbientCapabilitiesList(), "add_ambient_capabilities");
		if (rootUser) {
			ambient.clear();
		}
		set.addAll(ambient);
		set.retainAll(held);
		ambient.retainAll(held);
		return new CapabilitySets(set, ambient, ambient);
	}

	private static boolean isAll(String name) {
		return "ALL".equalsIgnoreCase(name.strip());
	}

	/** Canonical names of the list, except ALL; an unknown name is the caller's error. */
	private static Set<String> named(List<String> names, String field) {
		Set<String> out = new TreeSet<>(LinuxCapabilities.BIT_ORDER);
		for (int i = 0; i < names.size(); i++) {
			String name = names.get(i);
			if (isAll(name)) {
				continue;
			}
			String canonical = LinuxCapabilities.canonical(name);
			if (canonical == null) {
				throw new InvalidArgument(FIELD + field + "[" + i + "]: \"" + name + "\" is not a Linux capability");
			}
			out.add(canonical);
		}
		return out;
	}

}
