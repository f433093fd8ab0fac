package io.rocketcri.network;

import java.util.List;
import java.util.Optional;

/**
 * The CNI spec versions whose results rocket-cri reads: 0.3.0 introduced the {@code ips} /
 * {@code interfaces} result and {@code prevResult} chaining, 0.4.0 prevResult on DEL, 1.0.0
 * dropped {@code ips[].version}. Older results ({@code ip4}/{@code ip6}) are not understood.
 */
final class CniVersions {

	static final List<String> SUPPORTED = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");

	private CniVersions() {
	}

	static boolean isSupported(String version) {
		return SUPPORTED.contains(version);
	}

	/** The highest of {@code offered} that rocket-cri supports (for a {@code cniVersions} list). */
	static Optional<String> highestSupported(List<String> offered) {
		return offered.stream().filter(CniVersions::isSupported).max(CniVersions::compare);
	}

	/** Since 0.4.0 plugins get the cached ADD result as prevResult on DEL (and CHECK). */
	static boolean passesPrevResultOnDel(String version) {
		return compare(version, "0.4.0") >= 0;
	}

	static int compare(String a, String b) {
		String[] x = a.split("\\.");
		String[] y = b.split("\\.");
		for (int i = 0; i < Math.max(x.length, y.length); i++) {
			int cmp = Integer.compare(part(x, i), part(y, i));
			if (cmp != 0) {
				return cmp;
			}
		}
		return 0;
	}

	private static int part(String[] parts, int i) {
		if (i >= parts.length) {
			return 0;
		}
		try {
			return Integer.parseInt(parts[i]);
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

}
