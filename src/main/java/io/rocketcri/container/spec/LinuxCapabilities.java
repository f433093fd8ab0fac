package io.rocketcri.container.spec;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Linux capability names, in bit order, as the OCI spec spells them ({@code CAP_CHOWN}), and the
 * conversions the runtime needs: from the CRI's spellings ({@code chown}, {@code NET_ADMIN},
 * {@code CAP_NET_ADMIN}) and from the bit masks in {@code /proc/self/status}.
 */
public final class LinuxCapabilities {

	/** Index = capability number (linux/capability.h), up to CAP_CHECKPOINT_RESTORE (40). */
	private static final List<String> BY_NUMBER = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
			"CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
			"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
			"CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
			"CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG",
			"CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
			"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON",
			"CAP_BPF", "CAP_CHECKPOINT_RESTORE");

	/** Orders capability names by their number, so every set in a spec reads the same way. */
	static final Comparator<String> BIT_ORDER = Comparator.comparingInt(BY_NUMBER::indexOf);

	private LinuxCapabilities() {
	}

	/** Every capability this runtime knows, in bit order. */
	public static List<String> all() {
		return BY_NUMBER;
	}

	/**
	 * The OCI spelling of a capability name given with or without the {@code CAP_} prefix, in any
	 * case; null when it names no Linux capability.
	 */
	public static String canonical(String name) {
		if (name == null) {
			return null;
		}
		String upper = name.strip().toUpperCase(Locale.ROOT);
		String withPrefix = upper.startsWith("CAP_") ? upper : "CAP_" + upper;
		return BY_NUMBER.contains(withPrefix) ? withPrefix : null;
	}

	/** The names of the bits set in a capability mask (bits above the known ones are ignored). */
	public static Set<String> fromMask(long mask) {
		Set<String> names = new LinkedHashSet<>();
		for (int bit = 0; bit < BY_NUMBER.size(); bit++) {
			if ((mask & (1L << bit)) != 0) {
				names.add(BY_NUMBER.get(bit));
			}
		}
		return names;
	}

	/**
	 * The bounding set ({@code CapBnd:}) of a {@code /proc/<pid>/status} text: what the runtime
	 * itself can hand to a container.
	 *
	 * @throws IllegalArgumentException if the text has no CapBnd line
	 */
	public static Set<String> boundingSetOf(String procStatus) {
		for (String line : procStatus.split("\n")) {
			if (line.startsWith("CapBnd:")) {
				return fromMask(Long.parseUnsignedLong(line.substring("CapBnd:".length()).strip(), 16));
			}
		}
		throw new IllegalArgumentException("no CapBnd line in process status");
	}

	/** Canonical names of {@code names} in bit order; names that are no capability are dropped. */
	static Set<String> canonicalSet(Collection<String> names) {
		Set<String> out = new TreeSet<>(BIT_ORDER);
		for (String name : names) {
			String canonical = canonical(name);
			if (canonical != null) {
				out.add(canonical);
			}
		}
		return out;
	}

}
