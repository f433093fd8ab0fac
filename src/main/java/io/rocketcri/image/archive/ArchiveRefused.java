package io.rocketcri.image.archive;

import java.io.IOException;

/**
 * The archive itself is unusable (hostile, malformed, inconsistent): the import is refused with
 * this reason and nothing is stored. Kept apart from other {@link IOException}s, which are the
 * node's fault (a full disk) and are reported as such.
 */
final class ArchiveRefused extends IOException {

	ArchiveRefused(String reason) {
		super(reason);
	}

	ArchiveRefused(String reason, Throwable cause) {
		super(reason, cause);
	}

}
