package io.rocketcri.streaming;

import java.util.OptionalInt;

import io.rocketcri.config.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a remote command ended, as the client reads it from the error channel. From protocol
 * version 4 on it is a Kubernetes {@code Status} object: {@code Success}, or {@code Failure} with
 * reason {@code NonZeroExitCode} and the code as the message of a cause with reason
 * {@code ExitCode} (client-go turns that into the exit code crictl and kubectl exit with), or
 * reason {@code InternalError}. Earlier versions get only the failure's text, nothing on success.
 *
 * @param exitCode the process's exit code; empty when there is none (attach)
 * @param error what went wrong on our side, null when nothing did
 */
record ExitReport(OptionalInt exitCode, String error) {

	static ExitReport exited(OptionalInt code) {
		return new ExitReport(code, null);
	}

	static ExitReport failed(String error) {
		return new ExitReport(OptionalInt.empty(), error);
	}

	boolean success() {
		return this.error == null && (this.exitCode.isEmpty() || this.exitCode.getAsInt() == 0);
	}

	String message() {
		if (this.error != null) {
			return this.error;
		}
		return "command terminated with non-zero exit code: exit code " + this.exitCode.orElse(0);
	}

	/** The v4/v5 status document. */
	byte[] statusJson() {
		ObjectNode status = Json.MAPPER.createObjectNode();
		status.putObject("metadata");
		if (success()) {
			status.put("status", "Success");
		}
		else if (this.error == null) {
			status.put("status", "Failure");
			status.put("message", message());
			status.put("reason", "NonZeroExitCode");
			status.putObject("details")
				.putArray("causes")
				.addObject()
				.put("reason", "ExitCode")
				.put("message", Integer.toString(this.exitCode.getAsInt()));
		}
		else {
			status.put("status", "Failure");
			status.put("message", this.error);
			status.put("reason", "InternalError");
			status.put("code", 500);
			status.putObject("details").putArray("causes").addObject().put("message", this.error);
		}
		return Json.MAPPER.writeValueAsBytes(status);
	}

	/** What the protocol version puts on the error channel; empty for a success before v4. */
	byte[] forProtocol(String protocol) {
		if (Protocols.statusAsJson(protocol)) {
			return statusJson();
		}
		return success() ? new byte[0] : message().getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}


}
