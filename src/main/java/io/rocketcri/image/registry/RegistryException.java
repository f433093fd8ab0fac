package io.rocketcri.image.registry;

import java.io.IOException;

/**
 * A pull step failed at a registry. The message names the action, the registry and the reason;
 * {@link #httpStatus()} lets callers tell "not found" and "unauthorized" (kubelet's
 * ErrImagePull reasons) from transport failures.
 */
public class RegistryException extends IOException {

	private final String registry;

	private final int httpStatus;

	/** What went wrong at this registry, without the action: for listing several attempts in one message. */
	private final String reason;

	public RegistryException(String message, String registry, int httpStatus, Throwable cause) {
		this(message, message, registry, httpStatus, cause);
	}

	RegistryException(String message, String reason, String registry, int httpStatus, Throwable cause) {
		super(message, cause);
		this.registry = registry;
		this.httpStatus = httpStatus;
		this.reason = reason;
	}

	public RegistryException(String message, String registry, int httpStatus) {
		this(message, registry, httpStatus, null);
	}

	/** The registry host (endpoint) that failed, e.g. {@code 127.0.0.1:5000}. */
	public String registry() {
		return this.registry;
	}

	/** The HTTP status the registry answered, 0 when it never answered (or it was not HTTP's fault). */
	public int httpStatus() {
		return this.httpStatus;
	}

	String reason() {
		return this.reason;
	}

	/** The registry refused our credentials or wanted some (401), or denied access (403). */
	public boolean unauthorized() {
		return this.httpStatus == 401 || this.httpStatus == 403;
	}

	/** The repository, tag, manifest or blob does not exist there. */
	public boolean notFound() {
		return this.httpStatus == 404;
	}

}
