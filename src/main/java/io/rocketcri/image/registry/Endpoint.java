package io.rocketcri.image.registry;

import java.net.URI;
import java.util.Objects;

/**
 * One place to pull a repository from: a mirror or the registry itself, after registries.conf
 * rewriting.
 *
 * @param host API host with port, e.g. {@code 127.0.0.1:5000} or {@code registry-1.docker.io}
 * @param repositoryPath path of the repository on that host, e.g.
 * {@code e2e-test-images/busybox}
 * @param insecure talk plain http (registries.conf {@code insecure = true})
 * @param mirror a mirror rather than the registry the reference names
 */
public record Endpoint(String host, String repositoryPath, boolean insecure, boolean mirror) {

	public Endpoint {
		Objects.requireNonNull(host, "host");
		Objects.requireNonNull(repositoryPath, "repositoryPath");
	}

	/** {@code https} or, for insecure endpoints, {@code http}. */
	public String scheme() {
		return this.insecure ? "http" : "https";
	}

	/** A distribution API URI for this repository, e.g. {@code manifests/latest}. */
	URI repositoryUri(String suffix) {
		return URI.create(scheme() + "://" + this.host + "/v2/" + this.repositoryPath + "/" + suffix);
	}

	/** How errors and reports name this endpoint. */
	String describe() {
		return (this.mirror ? "mirror " : "") + this.host;
	}

}
