package io.rocketcri.image;

import java.time.Instant;

/**
 * The last failed pull of an image reference, kept so that an operator looking at a container
 * that never started can read why its image did not come (kubelet only shows it in pod events).
 */
public record PullFailure(String image, String message, Instant at) {
}
