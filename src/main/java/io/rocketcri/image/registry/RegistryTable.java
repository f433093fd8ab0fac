package io.rocketcri.image.registry;

import java.util.List;

/**
 * One {@code [[registry]]} table of registries.conf, defaults applied: prefix defaults to
 * location and location to prefix.
 *
 * @param prefix the references it applies to: a repository-name prefix matched at a path
 * boundary, or {@code *.example.com} for any subdomain
 * @param location where the matched references really live (replaces the prefix)
 * @param insecure plain http to {@code location}
 * @param blocked refuse to pull matching references at all
 * @param mirrorByDigestOnly use the mirrors only for references pinned by digest
 * @param mirrors tried in order before {@code location}
 */
record RegistryTable(String prefix, String location, boolean insecure, boolean blocked, boolean mirrorByDigestOnly,
		List<MirrorTable> mirrors) {

	RegistryTable {
		mirrors = List.copyOf(mirrors);
	}

	boolean wildcard() {
		return this.prefix.startsWith("*.");
	}

	/**
	 * Whether this table covers a repository name: equal to the prefix or below it at a path
	 * boundary ({@code example.com/foo} covers {@code example.com/foo/bar}, not
	 * {@code example.com/foobar}); a wildcard covers the subdomains of its domain.
	 */
	boolean matches(String repository, String domain) {
		if (wildcard()) {
			return domain.endsWith(this.prefix.substring(1));
		}
		return repository.equals(this.prefix) || repository.startsWith(this.prefix + "/");
	}

	/**
	 * One {@code [[registry.mirror]]} table.
	 *
	 * @param location mirror host plus an optional path prefix
	 * @param insecure plain http to it
	 * @param pullFrom {@code all}, {@code digest-only} or {@code tag-only} (registries.conf's
	 * {@code pull-from-mirror})
	 */
	record MirrorTable(String location, boolean insecure, String pullFrom) {

		/** Whether this mirror may serve a reference that is (or is not) pinned by digest. */
		boolean serves(boolean byDigest) {
			return switch (this.pullFrom) {
				case "digest-only" -> byDigest;
				case "tag-only" -> !byDigest;
				default -> true;
			};
		}

	}

}
