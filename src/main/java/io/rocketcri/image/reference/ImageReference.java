package io.rocketcri.image.reference;

import java.util.Objects;

/**
 * A normalised image reference: {@code busybox} becomes {@code docker.io/library/busybox:latest}.
 *
 * <p>
 * {@code tag} and {@code digest} are each null when absent; {@link #parse} fills in
 * {@code latest} only when neither is given, as docker and kubelet do. The domain is the name
 * users write ({@code docker.io}), not the API host ({@code registry-1.docker.io}); the
 * registry client maps one to the other.
 *
 * @param domain registry domain, with port when given, e.g. {@code 127.0.0.1:5000}
 * @param path repository path on that registry, e.g. {@code library/busybox}
 * @param tag tag, or null
 * @param digest {@code algorithm:hex}, or null
 */
public record ImageReference(String domain, String path, String tag, String digest) {

	/** The domain users write for Docker Hub; references are normalised to it. */
	public static final String DOCKER_HUB = "docker.io";

	private static final String LEGACY_DOCKER_HUB = "index.docker.io";

	private static final String DEFAULT_TAG = "latest";

	public ImageReference {
		Objects.requireNonNull(domain, "domain");
		Objects.requireNonNull(path, "path");
	}

	/**
	 * Parses and normalises a reference: {@code name}, {@code name:tag}, {@code name@digest} or
	 * {@code name:tag@digest}, where name is {@code [domain/]path}.
	 * @throws InvalidReferenceException naming the text and the broken rule
	 */
	public static ImageReference parse(String text) {
		if (text == null || text.isEmpty()) {
			throw new InvalidReferenceException(String.valueOf(text), "reference is empty");
		}
		if (ReferenceGrammar.IMAGE_ID.matcher(text).matches()) {
			throw new InvalidReferenceException(text,
					"a 64-character hex string is an image id, not a repository name");
		}
		String rest = text;
		String digest = null;
		int at = rest.indexOf('@');
		if (at >= 0) {
			digest = rest.substring(at + 1);
			rest = rest.substring(0, at);
			String problem = ReferenceGrammar.digestProblem(digest);
			if (problem != null) {
				throw new InvalidReferenceException(text, problem);
			}
		}
		String tag = null;
		int colon = rest.indexOf(':', rest.lastIndexOf('/') + 1);
		if (colon >= 0) {
			tag = rest.substring(colon + 1);
			rest = rest.substring(0, colon);
			if (!ReferenceGrammar.TAG.matcher(tag).matches()) {
				throw new InvalidReferenceException(text, "tag \"" + tag
						+ "\" must be 1 to 128 word characters, dots or dashes, not starting with a dot or dash");
			}
		}
		if (rest.isEmpty()) {
			throw new InvalidReferenceException(text, "repository name is empty");
		}
		String domain;
		String path;
		int slash = rest.indexOf('/');
		if (slash < 0 || !looksLikeDomain(rest.substring(0, slash))) {
			domain = DOCKER_HUB;
			path = rest;
		}
		else {
			domain = rest.substring(0, slash);
			path = rest.substring(slash + 1);
			if (!ReferenceGrammar.DOMAIN.matcher(domain).matches()) {
				throw new InvalidReferenceException(text, "\"" + domain + "\" is not a valid registry domain");
			}
		}
		if (domain.equals(LEGACY_DOCKER_HUB)) {
			domain = DOCKER_HUB;
		}
		checkPath(text, path);
		if (domain.equals(DOCKER_HUB) && path.indexOf('/') < 0) {
			path = "library/" + path;
		}
		if (domain.length() + 1 + path.length() > ReferenceGrammar.MAX_NAME_LENGTH) {
			throw new InvalidReferenceException(text,
					"repository name is longer than " + ReferenceGrammar.MAX_NAME_LENGTH + " characters");
		}
		if (tag == null && digest == null) {
			tag = DEFAULT_TAG;
		}
		return new ImageReference(domain, path, tag, digest);
	}

	/**
	 * The first component names a registry when it could not be a Docker Hub user: it has a dot
	 * (a host name), a colon (a port), is {@code localhost}, or has uppercase letters (path
	 * components never do).
	 */
	private static boolean looksLikeDomain(String first) {
		return first.indexOf('.') >= 0 || first.indexOf(':') >= 0 || first.equals("localhost")
				|| !first.equals(first.toLowerCase(java.util.Locale.ROOT));
	}

	private static void checkPath(String text, String path) {
		for (String component : path.split("/", -1)) {
			if (component.isEmpty()) {
				throw new InvalidReferenceException(text, "repository path \"" + path + "\" has an empty component");
			}
			if (!ReferenceGrammar.PATH_COMPONENT.matcher(component).matches()) {
				String reason = component.chars().anyMatch(Character::isUpperCase)
						? "repository name must be lowercase (\"" + component + "\")"
						: "repository path component \"" + component
								+ "\" must be lowercase letters and digits joined by '.', '_', '__' or '-'";
				throw new InvalidReferenceException(text, reason);
			}
		}
	}

	/** Domain and path: {@code docker.io/library/busybox}. */
	public String repository() {
		return this.domain + "/" + this.path;
	}

	/** What to ask the registry for: the digest when there is one (it pins the content), else the tag. */
	public String tagOrDigest() {
		return (this.digest != null) ? this.digest : this.tag;
	}

	/**
	 * The canonical string: repository, then {@code :tag} and/or {@code @digest}, e.g.
	 * {@code docker.io/library/busybox:latest}.
	 */
	public String familiar() {
		StringBuilder text = new StringBuilder(repository());
		if (this.tag != null) {
			text.append(':').append(this.tag);
		}
		if (this.digest != null) {
			text.append('@').append(this.digest);
		}
		return text.toString();
	}

	/**
	 * This reference pinned to a digest, keeping the tag (a repo digest as CRI reports it).
	 * @throws InvalidReferenceException when the digest is malformed
	 */
	public ImageReference withDigest(String digest) {
		String problem = ReferenceGrammar.digestProblem(Objects.requireNonNull(digest, "digest"));
		if (problem != null) {
			throw new InvalidReferenceException(repository() + "@" + digest, problem);
		}
		return new ImageReference(this.domain, this.path, this.tag, digest);
	}

	/**
	 * This reference without its tag: {@code repo@digest} for a pinned reference, or the bare
	 * repository name (whose {@link #tagOrDigest()} is null) otherwise.
	 */
	public ImageReference withoutTag() {
		return new ImageReference(this.domain, this.path, null, this.digest);
	}

	@Override
	public String toString() {
		return familiar();
	}

}
