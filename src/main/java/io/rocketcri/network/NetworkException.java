package io.rocketcri.network;

import java.io.IOException;

/**
 * Attaching or detaching a pod failed. When a CNI plugin said no, the message names the plugin,
 * the CNI command, the pod and the plugin's own error ({@code msg}, {@code details}, {@code code});
 * the parts are also available one by one.
 */
public class NetworkException extends IOException {

	/** CNI error code when the plugin gave none (it crashed, timed out or wrote no JSON error). */
	public static final int NO_CODE = -1;

	private final String plugin;

	private final String command;

	private final int code;

	private final String details;

	public NetworkException(String message) {
		this(message, null);
	}

	public NetworkException(String message, Throwable cause) {
		super(message, cause);
		this.plugin = null;
		this.command = null;
		this.code = NO_CODE;
		this.details = "";
	}

	NetworkException(String message, String plugin, String command, int code, String details) {
		super(message);
		this.plugin = plugin;
		this.command = command;
		this.code = code;
		this.details = details == null ? "" : details;
	}

	/** The plugin type that failed ({@code bridge}, {@code portmap}), or null when no plugin was at fault. */
	public String plugin() {
		return this.plugin;
	}

	/** The CNI command that failed ({@code ADD}, {@code DEL}), or null when no plugin was at fault. */
	public String command() {
		return this.command;
	}

	/** The CNI error code (e.g. 7 invalid config, 11 try again later), or {@link #NO_CODE}. */
	public int code() {
		return this.code;
	}

	/** The plugin's {@code details}, possibly empty. */
	public String details() {
		return this.details;
	}

}
