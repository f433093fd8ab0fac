package io.rocketcri.container.spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.rocketcri.cri.api.LinuxContainerSecurityContext;
import io.rocketcri.cri.api.SupplementalGroupsPolicy;
import io.rocketcri.failure.Internal;
import io.rocketcri.failure.InvalidArgument;

/**
 * Turns the CRI's user fields and the image's {@code User} into numeric ids, reading the image's
 * {@code /etc/passwd} and {@code /etc/group} (links resolved inside the rootfs, never out of it).
 *
 * <p>Rules (Kubernetes semantics, as containerd and CRI-O apply them):
 * <ul>
 * <li>{@code run_as_user}, else {@code run_as_username}, else the image's {@code User}
 * ({@code ""} = root, {@code name}, {@code uid}, {@code name:group}, {@code uid:gid} and mixes). A
 * CRI user replaces the image's whole {@code User}, group part included.</li>
 * <li>A user name must exist in passwd. A numeric uid need not; its primary gid then is 0 and its
 * home {@code /}. A named or numeric uid found in passwd takes its primary gid and home from
 * there.</li>
 * <li>{@code run_as_group} replaces the primary gid, whichever way the user was chosen.</li>
 * <li>Groups: the primary gid, then (policy {@code Merge}, the default) every group of
 * {@code /etc/group} that lists the user's name, then {@code supplemental_groups}; duplicates
 * dropped. Policy {@code Strict} leaves out {@code /etc/group}.</li>
 * </ul>
 */
public final class UserResolver {

	private static final String SC = "linux.security_context.";

	/** The highest id setuid(2) accepts; (uid_t) -1 means "unchanged". */
	private static final long MAX_ID = 4294967294L;

	public ResolvedUser resolve(Path rootfs, LinuxContainerSecurityContext securityContext, String imageUser) {
		Accounts accounts = new Accounts(new RootfsFiles(rootfs));
		long uid;
		Long gid = null;
		Optional<PasswdEntry> entry;
		if (securityContext.hasRunAsUser()) {
			uid = id(securityContext.getRunAsUser().getValue(), SC + "run_as_user");
			entry = accounts.userById(uid);
		}
		else if (!securityContext.getRunAsUsername().isEmpty()) {
			String name = securityContext.getRunAsUsername();
			entry = accounts.userByName(name);
			if (entry.isEmpty()) {
				throw new InvalidArgument(SC + "run_as_username: user \"" + name + "\" is not in the image's /etc/passwd");
			}
			uid = entry.get().uid();
		}
		else {
			String spec = imageUser == null ? "" : imageUser.strip();
			int colon = spec.indexOf(':');
			String userPart = colon < 0 ? spec : spec.substring(0, colon);
			String groupPart = colon < 0 ? "" : spec.substring(colon + 1);
			if (userPart.isEmpty()) {
				uid = 0;
				entry = accounts.userById(0);
			}
			else if (isNumber(userPart)) {
				uid = id(parse(userPart, "image config User"), "image config User");
				entry = accounts.userById(uid);
			}
			else {
				entry = accounts.userByName(userPart);
				if (entry.isEmpty()) {
					throw new InvalidArgument(
							"image config User \"" + spec + "\": user \"" + userPart + "\" is not in the image's /etc/passwd");
				}
				uid = entry.get().uid();
			}
			if (!groupPart.isEmpty()) {
				gid = isNumber(groupPart) ? id(parse(groupPart, "image config User"), "image config User")
						: accounts.groupByName(groupPart)
							.orElseThrow(() -> new InvalidArgument("image config User \"" + spec + "\": group \""
									+ groupPart + "\" is not in the image's /etc/group"))
							.gid();
			}
		}
		if (gid == null) {
			gid = entry.map(PasswdEntry::gid).orElse(0L);
		}
		if (securityContext.hasRunAsGroup() && !securityContext.hasRunAsUser()
				&& securityContext.getRunAsUsername().isEmpty()) {
			// CRI: a group alone would pair the image's user with a group it may never have had
			throw new InvalidArgument(SC + "run_as_group: set without run_as_user or run_as_username");
		}
		if (securityContext.hasRunAsGroup()) {
			gid = id(securityContext.getRunAsGroup().getValue(), SC + "run_as_group");
		}
		Set<Long> groups = new LinkedHashSet<>();
		groups.add(gid);
		if (securityContext.getSupplementalGroupsPolicy() != SupplementalGroupsPolicy.Strict && entry.isPresent()) {
			groups.addAll(accounts.groupsListing(entry.get().name()));
		}
		List<Long> supplemental = securityContext.getSupplementalGroupsList();
		for (int i = 0; i < supplemental.size(); i++) {
			groups.add(id(supplemental.get(i), SC + "supplemental_groups[" + i + "]"));
		}
		String home = entry.map(PasswdEntry::home).filter(h -> h.startsWith("/")).orElse("/");
		return new ResolvedUser(uid, gid, new ArrayList<>(groups), home);
	}

	private static long id(long value, String field) {
		if (value < 0 || value > MAX_ID) {
			throw new InvalidArgument(field + ": " + value + " is not a valid user or group id");
		}
		return value;
	}

	private static long parse(String digits, String field) {
		try {
			return Long.parseLong(digits);
		}
		catch (NumberFormatException ex) {
			throw new InvalidArgument(field + ": \"" + digits + "\" is not a valid user or group id", ex);
		}
	}

	private static boolean isNumber(String text) {
		return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
	}

	record PasswdEntry(String name, long uid, long gid, String home) {
	}

	record GroupEntry(String name, long gid, List<String> members) {
	}

	/** passwd and group of one rootfs, each read at most once, and only if a rule needs it. */
	private static final class Accounts {

		private final RootfsFiles files;

		private List<PasswdEntry> users;

		private List<GroupEntry> groups;

		Accounts(RootfsFiles files) {
			this.files = files;
		}

		Optional<PasswdEntry> userById(long uid) {
			return users().stream().filter(u -> u.uid() == uid).findFirst();
		}

		Optional<PasswdEntry> userByName(String name) {
			return users().stream().filter(u -> u.name().equals(name)).findFirst();
		}

		Optional<GroupEntry> groupByName(String name) {
			return groups().stream().filter(g -> g.name().equals(name)).findFirst();
		}

		List<Long> groupsListing(String user) {
			return groups().stream().filter(g -> g.members().contains(user)).map(GroupEntry::gid).toList();
		}

		private List<PasswdEntry> users() {
			if (this.users == null) {
				List<PasswdEntry> parsed = new ArrayList<>();
				for (String[] f : records("/etc/passwd")) {
					Long uid = number(f, 2);
					Long gid = number(f, 3);
					if (uid != null && gid != null) {
						parsed.add(new PasswdEntry(f[0], uid, gid, f.length > 5 ? f[5] : ""));
					}
				}
				this.users = parsed;
			}
			return this.users;
		}

		private List<GroupEntry> groups() {
			if (this.groups == null) {
				List<GroupEntry> parsed = new ArrayList<>();
				for (String[] f : records("/etc/group")) {
					Long gid = number(f, 2);
					if (gid != null) {
						List<String> members = f.length > 3 && !f[3].isBlank()
								? List.of(f[3].strip().split("\\s*,\\s*")) : List.of();
						parsed.add(new GroupEntry(f[0], gid, members));
					}
				}
				this.groups = parsed;
			}
			return this.groups;
		}

		/** Colon-separated records; comments, blank lines and NIS "+"/"-" entries skipped. */
		private List<String[]> records(String file) {
			String text;
			try {
				text = this.files.readText(file).orElse("");
			}
			catch (IOException ex) {
				throw new Internal("reading " + file + " of the container's rootfs: " + ex.getMessage(), ex);
			}
			List<String[]> out = new ArrayList<>();
			for (String line : text.split("\n")) {
				String trimmed = line.strip();
				if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("+") || trimmed.startsWith("-")) {
					continue;
				}
				String[] fields = trimmed.split(":", -1);
				if (fields.length >= 3 && !fields[0].isEmpty()) {
					out.add(fields);
				}
			}
			return out;
		}

		private static Long number(String[] fields, int index) {
			if (fields.length <= index || !isNumber(fields[index]) || fields[index].length() > 10) {
				return null;
			}
			return Long.parseLong(fields[index]);
		}

	}

}
