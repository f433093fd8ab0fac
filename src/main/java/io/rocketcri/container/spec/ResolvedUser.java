package io.rocketcri.container.spec;

import java.util.List;

/**
 * Who the container process runs as: numeric ids (what runc takes and ContainerStatus reports as
 * {@code user.linux}) and the home directory for {@code HOME}.
 *
 * @param additionalGids every group the process is in, primary group first: runc passes this list
 * to setgroups(2), and a list without the primary group would let an image's "deny this group"
 * permissions be bypassed (CVE-2023-25173)
 */
public record ResolvedUser(long uid, long gid, List<Long> additionalGids, String home) {

	public ResolvedUser {
		additionalGids = List.copyOf(additionalGids);
	}

}
