package io.rocketcri.image.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Picks the child of an index that runs on a platform, the way containerd and CRI-O do: os and
 * architecture must match after normalisation (arm64 without variant is v8); the variant must
 * match, except that a 32-bit arm host also runs older arm variants (v7 runs v6 and v5), preferring
 * the newest. Buildkit's attestation entries ({@code unknown/unknown}) are never chosen.
 */
final class PlatformMatcher {

	/** The annotation buildkit puts on attestation manifests inside an image index. */
	static final String REFERENCE_TYPE = "vnd.docker.reference.type";

	private PlatformMatcher() {
	}

	/** The best child for {@code wanted}; among equals the first listed. */
	static Optional<Descriptor> select(List<Descriptor> manifests, Platform wanted) {
		Platform want = wanted.normalised();
		Descriptor best = null;
		int bestRank = Integer.MAX_VALUE;
		for (Descriptor candidate : manifests) {
			if (!selectable(candidate)) {
				continue;
			}
			int rank = rank(candidate.platform().normalised(), want);
			if (rank < bestRank) {
				best = candidate;
				bestRank = rank;
			}
		}
		return Optional.ofNullable(best);
	}

	/** The platforms an index offers, for the "available: …" part of an error. */
	static List<String> available(List<Descriptor> manifests) {
		List<String> platforms = new ArrayList<>();
		for (Descriptor d : manifests) {
			if (selectable(d)) {
				platforms.add(d.platform().toString());
			}
		}
		return platforms;
	}

	private static boolean selectable(Descriptor d) {
		Platform p = d.platform();
		if (p == null || "unknown".equals(p.os()) || "unknown".equals(p.architecture())) {
			return false;
		}
		return !"attestation-manifest".equals(d.annotations().get(REFERENCE_TYPE));
	}

	/** 0 for an exact match, n for an arm variant n steps older, MAX_VALUE for no match. */
	private static int rank(Platform candidate, Platform want) {
		if (!candidate.os().equals(want.os()) || !candidate.architecture().equals(want.architecture())) {
			return Integer.MAX_VALUE;
		}
		if (java.util.Objects.equals(candidate.variant(), want.variant())) {
			return 0;
		}
		if (want.architecture().equals("arm")) {
			int have = armVersion(candidate.variant());
			int need = armVersion(want.variant());
			if (have > 0 && need > 0 && have < need) {
				return need - have;
			}
		}
		return Integer.MAX_VALUE;
	}

	private static int armVersion(String variant) {
		if (variant == null || !variant.matches("v[0-9]+")) {
			return -1;
		}
		return Integer.parseInt(variant.substring(1));
	}

}
