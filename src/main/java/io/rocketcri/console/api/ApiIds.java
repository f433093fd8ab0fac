package io.rocketcri.console.api;

import io.rocketcri.failure.InvalidArgument;

/**
 * Ids taken from request paths and parameters, checked before they reach a capability: hex only,
 * so nothing with {@code /}, {@code ..} or a NUL goes any further, and the message names the
 * parameter.
 */
final class ApiIds {

	private ApiIds() {
	}

	/** A pod or container id, or a unique prefix of one (as crictl accepts). */
	static String objectId(String parameter, String value) {
		if (value == null || !value.matches("[a-f0-9]{1,64}")) {
			throw new InvalidArgument("%s: \"%s\" is not an id (1 to 64 lowercase hex digits)".formatted(parameter,
					Problems.bounded(String.valueOf(value))));
		}
		return value;
	}

	/** An image id: {@code sha256:<64 hex>}, the 64 hex digits alone, or a prefix of at least 6. */
	static String imageId(String parameter, String value) {
		if (value == null || !value.matches("(sha256:)?[a-f0-9]{6,64}")) {
			throw new InvalidArgument(("%s: \"%s\" is not an image id (sha256:<hex> or at least 6 hex digits; "
					+ "find images by name with GET /api/v1/images?reference=)").formatted(parameter,
							Problems.bounded(String.valueOf(value))));
		}
		return value;
	}

}
