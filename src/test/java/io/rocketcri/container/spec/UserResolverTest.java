package io.rocketcri.container.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import io.rocketcri.cri.api.Int64Value;
import io.rocketcri.cri.api.LinuxContainerSecurityContext;
import io.rocketcri.cri.api.SupplementalGroupsPolicy;
import io.rocketcri.failure.InvalidArgument;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against a rootfs whose passwd has root, daemon, app (1000) and nobody (see SpecFixtures). */
class UserResolverTest {

	@TempDir
	Path temp;

	private Path rootfs;

	private final UserResolver resolver = new UserResolver();

	@BeforeEach
	void rootfs() throws IOException {
		this.rootfs = SpecFixtures.rootfs(this.temp.resolve("rootfs"));
	}

	/** Image user alone; groups as "gid gid ..." (primary first), home. */
	@ParameterizedTest(name = "image User \"{0}\"")
	@CsvSource(delimiter = '|', value = { "''          | 0    | 0    | 0 44      | /root",
			"root        | 0    | 0    | 0 44      | /root", "app         | 1000 | 1000 | 1000 5 100 44 | /home/app",
			"1000        | 1000 | 1000 | 1000 5 100 44 | /home/app", "1000:1000   | 1000 | 1000 | 1000 5 100 44 | /home/app",
			"app:users   | 1000 | 100  | 100 5 44 | /home/app", "app:0       | 1000 | 0    | 0 5 100 44 | /home/app",
			"4242        | 4242 | 0    | 0         | /", "4242:4343   | 4242 | 4343 | 4343      | /",
			"4242:video  | 4242 | 44   | 44        | /", "nobody      | 65534| 65534| 65534     | /nonexistent" })
	void imageUser(String imageUser, long uid, long gid, String groups, String home) {
		ResolvedUser user = this.resolver.resolve(this.rootfs, LinuxContainerSecurityContext.getDefaultInstance(),
				imageUser);

		assertThat(user.uid()).isEqualTo(uid);
		assertThat(user.gid()).isEqualTo(gid);
		assertThat(user.additionalGids()).containsExactlyElementsOf(longs(groups));
		assertThat(user.home()).isEqualTo(home);
	}

	@Test
	void runAsUserReplacesTheWholeImageUserGroupIncluded() {
		LinuxContainerSecurityContext sc = LinuxContainerSecurityContext.newBuilder()
			.setRunAsUser(Int64Value.newBuilder().setValue(1000))
			.build();

		ResolvedUser user = this.resolver.resolve(this.rootfs, sc, "nobody:nogroup");

		assertThat(user.uid()).isEqualTo(1000);
		assertThat(user.gid()).isEqualTo(1000);
		assertThat(user.home()).isEqualTo("/home/app");
	}

	@Test
	void runAsUserZeroIsRootEvenWhenTheImageSaysOtherwise() {
		LinuxContainerSecurityContext sc = LinuxContainerSecurityContext.newBuilder()
			.setRunAsUser(Int64Value.newBuilder().setValue(0))
			.build();

		assertThat(this.resolver.resolve(this.rootfs, sc, "app").uid()).isZero();
	}

	@Test
	void runAsUsernameLooksUpPasswd() {
		LinuxContainerSecurityContext sc = LinuxContainerSecurityContext.newBuilder().setRunAsUsername("daemon").build();

		ResolvedUser user = this.resolver.resolve(this.rootfs, sc, "app");

		assertThat(user).isEqualTo(new ResolvedUser(1, 1, List.of(1L), "/usr/sbin"));
	}

	@Test
	void runAsUserWinsOverRunAsUsername() {
		LinuxContainerSecurityContext sc = LinuxContainerSecurityContext.newBuilder()
			.setRunAsUser(Int64Value.newBuilder().setValue(65534))
			.setRunAsUsername("app")
			.build();

		assertThat(this.resolver.resolve(this.rootfs, sc, "").uid()).isEqualTo(65534);
	}

	@Test
	void runAsGroupReplacesThePrimaryGroupAndSupplementalGroupsAreMergedAfterPasswdOnes() {
		LinuxContainerSecurityContext sc = LinuxContainerSecurityContext.newBuilder()
			.setRunAsUser(Int64Value.newBuilder().setValue(1000))
			.setRunAsGroup(Int64Value.newBuilder().setValue(3000))
			.addSupplementalGroups(4000)
			.addSupplementalGroups(100)
			.addSupplementalGroups(4000)
			.build();

		ResolvedUser user = this.resolver.resolve(this.rootfs, sc, "");

		assertThat(user.gid()).isEqualTo(3000);
		assertThat(user.additionalGids()).containsExactly(3000L, 5L, 100L, 44L, 4000L);
	}

	@Test
	void runAsGroupWithoutAUserIsRefused() {
		LinuxContainerSecurityContext sc = LinuxContainerSecurityContext.newBuilder()
			.setRunAsGroup(Int64Value.newBuilder().setValue(7))
			.build();

		assertThatThrownBy(() -> this.resolver.resolve(this.rootfs, sc, "app:users"))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("run_as_group: set without run_as_user or run_as_username");
	}

	@Test
	void strictPolicyLeavesOutTheImagesGroupFile() {
		LinuxContainerSecurityContext sc = LinuxContainerSecurityContext.newBuilder()
			.setRunAsUser(Int64Value.newBuilder().setValue(1000))
			.addSupplementalGroups(4000)
			.setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Strict)
			.build();

		assertThat(this.resolver.resolve(this.rootfs, sc, "").additionalGids()).containsExactly(1000L, 4000L);
	}

	@Test
	void missingUserNameIsAnInvalidArgumentNamingRunAsUsername() {
		LinuxContainerSecurityContext sc = LinuxContainerSecurityContext.newBuilder().setRunAsUsername("ghost").build();

		assertThatThrownBy(() -> this.resolver.resolve(this.rootfs, sc, ""))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("linux.security_context.run_as_username")
			.hasMessageContaining("ghost");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "ghost       | user \"ghost\"", "app:ghosts  | group \"ghosts\"",
			"ghost:1000  | user \"ghost\"" })
	void missingImageUserOrGroupIsAnInvalidArgumentNamingTheImageUser(String imageUser, String what) {
		assertThatThrownBy(
				() -> this.resolver.resolve(this.rootfs, LinuxContainerSecurityContext.getDefaultInstance(), imageUser))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("image config User")
			.hasMessageContaining(what);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "run_as_user  | -1", "run_as_group | -5",
			"run_as_user  | 4294967295", "supplemental_groups[0] | -1" })
	void idsOutOfRangeAreRefusedNamingTheField(String field, long value) {
		LinuxContainerSecurityContext.Builder sc = LinuxContainerSecurityContext.newBuilder();
		switch (field) {
			case "run_as_user" -> sc.setRunAsUser(Int64Value.newBuilder().setValue(value));
			case "run_as_group" -> sc.setRunAsUser(Int64Value.newBuilder().setValue(0))
				.setRunAsGroup(Int64Value.newBuilder().setValue(value));
			default -> sc.addSupplementalGroups(value);
		}

		assertThatThrownBy(() -> this.resolver.resolve(this.rootfs, sc.build(), ""))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("linux.security_context." + field);
	}

	@Test
	void numericUsersNeedNoPasswdAtAll() throws IOException {
		Path bare = Files.createDirectories(this.temp.resolve("bare"));

		ResolvedUser user = this.resolver.resolve(bare, LinuxContainerSecurityContext.getDefaultInstance(), "123:456");

		assertThat(user).isEqualTo(new ResolvedUser(123, 456, List.of(456L), "/"));
		assertThat(this.resolver.resolve(bare, LinuxContainerSecurityContext.getDefaultInstance(), "").uid()).isZero();
	}

	@Test
	void passwdLinkedInsideTheRootfsIsFollowed() throws IOException {
		Path root = Files.createDirectories(this.temp.resolve("linked"));
		Files.createDirectories(root.resolve("usr/lib"));
		Files.writeString(root.resolve("usr/lib/passwd"), "svc:x:321:654::/srv:/bin/sh\n");
		Files.createDirectories(root.resolve("etc"));
		Files.createSymbolicLink(root.resolve("etc/passwd"), Path.of("/usr/lib/passwd"));

		ResolvedUser user = this.resolver.resolve(root, LinuxContainerSecurityContext.getDefaultInstance(), "svc");

		assertThat(user).isEqualTo(new ResolvedUser(321, 654, List.of(654L), "/srv"));
	}

	@Test
	void passwdLinkedOutOfTheRootfsIsReadInsideIt() throws IOException {
		// The host's own passwd would know "hostonly"; a link to ../../host/passwd must resolve
		// inside the rootfs, where there is no such file.
		Path host = Files.createDirectories(this.temp.resolve("host"));
		Files.writeString(host.resolve("passwd"), "hostonly:x:7:7::/:/bin/sh\n");
		Path root = Files.createDirectories(this.temp.resolve("escape/rootfs"));
		Files.createDirectories(root.resolve("etc"));
		Files.createSymbolicLink(root.resolve("etc/passwd"), Path.of("../../../host/passwd"));

		assertThatThrownBy(
				() -> this.resolver.resolve(root, LinuxContainerSecurityContext.getDefaultInstance(), "hostonly"))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("hostonly");
	}

	@Test
	void commentsBlankLinesAndMalformedEntriesAreSkipped() throws IOException {
		Path root = Files.createDirectories(this.temp.resolve("odd"));
		Files.createDirectories(root.resolve("etc"));
		Files.writeString(root.resolve("etc/passwd"), """
				# a comment

				+nis::::::
				broken:x:notanumber:1::/:/bin/sh
				short:x
				ok:x:77:88
				""");

		ResolvedUser user = this.resolver.resolve(root, LinuxContainerSecurityContext.getDefaultInstance(), "ok");

		assertThat(user).isEqualTo(new ResolvedUser(77, 88, List.of(88L), "/"));
	}

	private static List<Long> longs(String spaced) {
		return Arrays.stream(spaced.strip().split("\\s+")).map(Long::valueOf).toList();
	}

}
