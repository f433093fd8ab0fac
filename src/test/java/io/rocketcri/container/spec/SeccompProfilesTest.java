package io.rocketcri.container.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.rocketcri.cri.api.SecurityProfile;
import io.rocketcri.failure.InvalidArgument;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeccompProfilesTest {

	private static final Set<String> DEFAULT_CAPS = Set.copyOf(CapabilitySets.DEFAULTS);

	@TempDir
	Path temp;

	private Path profiles;

	private SeccompProfiles seccomp;

	@BeforeEach
	void setUp() throws IOException {
		this.profiles = Files.createDirectories(this.temp.resolve("profiles"));
		this.seccomp = new SeccompProfiles(this.profiles);
	}

	@Test
	void runtimeDefaultDeniesWithEpermOnEveryX86Abi() {
		ObjectNode profile = this.seccomp.runtimeDefault();

		assertThat(profile.path("defaultAction").asString()).isEqualTo("SCMP_ACT_ERRNO");
		assertThat(profile.path("defaultErrnoRet").asInt()).isEqualTo(1);
		assertThat(SpecFixtures.texts(profile.path("architectures"))).containsExactly("SCMP_ARCH_X86_64",
				"SCMP_ARCH_X86", "SCMP_ARCH_X32");
	}

	@ParameterizedTest
	@ValueSource(strings = { "read", "write", "openat", "execve", "exit_group", "futex", "mmap", "socket", "accept4",
			"epoll_pwait", "rt_sigaction", "wait4", "getdents64", "statx", "fork", "vfork", "setresuid", "capset",
			"prctl", "rseq", "chroot", "socketcall", "mmap2", "_llseek" })
	void runtimeDefaultAllowsWhatOrdinaryProgramsNeed(String syscall) {
		assertThat(unconditionallyAllowed(this.seccomp.runtimeDefault())).contains(syscall);
	}

	@ParameterizedTest
	@ValueSource(strings = { "unshare", "setns", "mount", "umount2", "pivot_root", "kexec_load", "reboot", "bpf",
			"keyctl", "add_key", "ptrace", "init_module", "open_by_handle_at", "swapon", "settimeofday", "perf_event_open",
			"userfaultfd", "io_uring_setup", "modify_ldt", "clone3", "clone", "personality" })
	void runtimeDefaultDoesNotSimplyAllowDangerousCalls(String syscall) {
		assertThat(unconditionallyAllowed(this.seccomp.runtimeDefault())).doesNotContain(syscall);
	}

	@Test
	void cloneIsAllowedOnlyWithoutNamespaceFlagsAndClone3AnswersEnosys() {
		ObjectNode profile = this.seccomp.runtimeDefault();

		JsonNode clone = rulesFor(profile, "clone").getFirst();
		assertThat(clone.path("action").asString()).isEqualTo("SCMP_ACT_ALLOW");
		assertThat(clone.path("args").get(0).path("op").asString()).isEqualTo("SCMP_CMP_MASKED_EQ");
		assertThat(clone.path("args").get(0).path("value").asLong()).isEqualTo(0x7E020000L);
		assertThat(clone.path("args").get(0).path("valueTwo").asLong()).isZero();
		JsonNode clone3 = rulesFor(profile, "clone3").getFirst();
		assertThat(clone3.path("action").asString()).isEqualTo("SCMP_ACT_ERRNO");
		assertThat(clone3.path("errnoRet").asInt()).isEqualTo(38);
	}

	@Test
	void capSysAdminOpensNamespacesAndMountsAndLiftsTheCloneRestriction() {
		Set<String> caps = new java.util.HashSet<>(DEFAULT_CAPS);
		caps.add("CAP_SYS_ADMIN");

		ObjectNode profile = this.seccomp.runtimeDefault(caps);

		assertThat(unconditionallyAllowed(profile)).contains("unshare", "setns", "mount", "umount2", "clone", "clone3",
				"keyctl");
		assertThat(rulesFor(profile, "clone")).hasSize(1);
		assertThat(rulesFor(profile, "clone3")).hasSize(1)
			.allSatisfy((r) -> assertThat(r.path("action").asString()).isEqualTo("SCMP_ACT_ALLOW"));
	}

	@ParameterizedTest
	@CsvSource({ "CAP_SYS_PTRACE, ptrace", "SYS_PTRACE, process_vm_readv", "CAP_SYS_BOOT, reboot",
			"CAP_SYS_MODULE, finit_module", "CAP_SYS_TIME, settimeofday", "CAP_BPF, bpf", "CAP_PERFMON, perf_event_open",
			"CAP_SYS_NICE, mbind", "CAP_DAC_READ_SEARCH, open_by_handle_at", "CAP_SYSLOG, syslog" })
	void capabilityGatedCallsFollowTheBoundingSet(String capability, String syscall) {
		Set<String> caps = new java.util.HashSet<>(DEFAULT_CAPS);
		caps.add(capability);

		assertThat(unconditionallyAllowed(this.seccomp.runtimeDefault(DEFAULT_CAPS))).doesNotContain(syscall);
		assertThat(unconditionallyAllowed(this.seccomp.runtimeDefault(caps))).contains(syscall);
	}

	@Test
	void chrootFollowsCapSysChrootWhichIsADefault() {
		Set<String> without = new java.util.HashSet<>(DEFAULT_CAPS);
		without.remove("CAP_SYS_CHROOT");

		assertThat(unconditionallyAllowed(this.seccomp.runtimeDefault(without))).doesNotContain("chroot");
	}

	@Test
	void renderedProfilesCarryOnlyOciKeys() {
		Set<String> all = Set.copyOf(LinuxCapabilities.all());
		ObjectNode profile = this.seccomp.runtimeDefault(all);

		assertThat(profile.propertyNames()).containsExactly("defaultAction", "defaultErrnoRet", "architectures",
				"syscalls");
		for (JsonNode rule : profile.path("syscalls")) {
			assertThat(rule.propertyNames()).isSubsetOf("names", "action", "errnoRet", "args");
		}
	}

	@Test
	void personalityIsAllowedForTheUsualPersonasOnly() {
		List<Long> allowed = rulesFor(this.seccomp.runtimeDefault(), "personality").stream()
			.map((r) -> r.path("args").get(0).path("value").asLong())
			.toList();

		assertThat(allowed).containsExactlyInAnyOrder(0L, 8L, 0x20000L, 0x20008L, 0xffffffffL);
	}

	@Test
	void unconfinedAndPrivilegedAndAbsentMeanNoFilter() {
		SecurityProfile runtimeDefault = profile(SecurityProfile.ProfileType.RuntimeDefault, "");

		assertThat(this.seccomp.forContainer(profile(SecurityProfile.ProfileType.Unconfined, ""), false)).isEmpty();
		assertThat(this.seccomp.forContainer(runtimeDefault, true)).isEmpty();
		assertThat(this.seccomp.forContainer(null, false)).isEmpty();
		assertThat(this.seccomp.forContainer(runtimeDefault, false)).contains(this.seccomp.runtimeDefault());
	}

	@Test
	void localhostProfileByAbsolutePathIsReadAndNormalised() throws IOException {
		Path file = this.temp.resolve("kubelet-seccomp/audit.json");
		Files.createDirectories(file.getParent());
		Files.writeString(file, """
				{"defaultAction": "SCMP_ACT_LOG", "architectures": ["SCMP_ARCH_X86_64"], "comment": "dropped",
				 "syscalls": [{"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
				               "args": [{"index": 1, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]}]}
				""");

		ObjectNode profile = this.seccomp
			.forContainer(profile(SecurityProfile.ProfileType.Localhost, file.toString()), false)
			.orElseThrow();

		assertThat(profile.toString()).isEqualTo("{\"defaultAction\":\"SCMP_ACT_LOG\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
				+ "\"syscalls\":[{\"names\":[\"chmod\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,"
				+ "\"args\":[{\"index\":1,\"value\":18446744073709551615,\"op\":\"SCMP_CMP_EQ\"}]}]}");
	}

	@Test
	void localhostProfileInDockersFormIsTranslated() throws IOException {
		Files.writeString(this.profiles.resolve("docker.json"), """
				{"defaultAction": "SCMP_ACT_ERRNO",
				 "archMap": [{"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]},
				             {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]}],
				 "syscalls": [
				   {"names": ["read"], "action": "SCMP_ACT_ALLOW"},
				   {"name": "write", "action": "SCMP_ACT_ALLOW"},
				   {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
				   {"names": ["clone"], "action": "SCMP_ACT_ALLOW", "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
				   {"names": ["arm_fadvise64_64"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["arm", "arm64"]}},
				   {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64"], "minKernel": "4.8"}}
				 ]}
				""");

		ObjectNode profile = this.seccomp
			.forContainer(profile(SecurityProfile.ProfileType.Localhost, "docker.json"), false, DEFAULT_CAPS)
			.orElseThrow();

		assertThat(SpecFixtures.texts(profile.path("architectures"))).containsExactly("SCMP_ARCH_X86_64",
				"SCMP_ARCH_X86", "SCMP_ARCH_X32");
		assertThat(unconditionallyAllowed(profile)).containsExactly("read", "write", "clone", "arch_prctl");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "runtime/default | RuntimeDefault | ''",
			"docker/default  | RuntimeDefault | ''", "unconfined      | Unconfined     | ''",
			"localhost/a/b.json | Localhost   | a/b.json",
			"localhost//var/lib/kubelet/seccomp/x.json | Localhost | /var/lib/kubelet/seccomp/x.json" })
	void deprecatedProfilePaths(String path, SecurityProfile.ProfileType type, String ref) {
		assertThat(SeccompProfiles.fromDeprecatedPath(path, "f")).contains(profile(type, ref));
	}

	@Test
	void emptyDeprecatedPathMeansNone() {
		assertThat(SeccompProfiles.fromDeprecatedPath("", "f")).isEqualTo(Optional.empty());
	}

	@ParameterizedTest
	@ValueSource(strings = { "default", "localhost/", "runtime/defaults", "/abs/profile.json" })
	void unknownDeprecatedPathsAreRefusedNamingTheField(String path) {
		assertThatThrownBy(() -> SeccompProfiles.fromDeprecatedPath(path, "linux.security_context.seccomp_profile_path"))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("linux.security_context.seccomp_profile_path");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = { "missing file     | missing.json | | does not exist",
			"empty reference   | '' | | needs a localhost_ref", "leaving the root  | ../outside.json | | leaves",
			"not JSON          | bad.json | {not json | not valid JSON",
			"not an object     | bad.json | [1] | not a JSON object",
			"unknown action    | bad.json | {\"defaultAction\": \"SCMP_ACT_MAYBE\"} | unknown seccomp action",
			"bad operator      | bad.json | {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"LIKE\"}]}]} | unknown comparison",
			"bad arg index     | bad.json | {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]} | not a syscall argument",
			"no names          | bad.json | {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"action\": \"SCMP_ACT_ERRNO\"}]} | names no syscall" })
	void badLocalhostProfilesAreInvalidArguments(String why, String ref, String content, String message)
			throws IOException {
		if (content != null) {
			Files.writeString(this.profiles.resolve(ref), content);
		}

		assertThatThrownBy(
				() -> this.seccomp.forContainer(profile(SecurityProfile.ProfileType.Localhost, ref), false))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("linux.security_context.seccomp")
			.hasMessageContaining(message);
	}

	@Test
	void unknownProfileTypeIsAnInvalidArgument() {
		SecurityProfile unknown = SecurityProfile.newBuilder().setProfileTypeValue(9).build();

		assertThatThrownBy(() -> this.seccomp.forContainer(unknown, false)).isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("linux.security_context.seccomp.profile_type");
	}

	static SecurityProfile profile(SecurityProfile.ProfileType type, String ref) {
		return SecurityProfile.newBuilder().setProfileType(type).setLocalhostRef(ref).build();
	}

	/** Syscalls some rule allows without argument conditions. */
	static List<String> unconditionallyAllowed(JsonNode profile) {
		List<String> out = new ArrayList<>();
		for (JsonNode rule : profile.path("syscalls")) {
			if ("SCMP_ACT_ALLOW".equals(rule.path("action").asString()) && rule.path("args").isEmpty()) {
				out.addAll(SpecFixtures.texts(rule.path("names")));
			}
		}
		return out;
	}

	static List<JsonNode> rulesFor(JsonNode profile, String syscall) {
		List<JsonNode> out = new ArrayList<>();
		for (JsonNode rule : profile.path("syscalls")) {
			if (SpecFixtures.texts(rule.path("names")).contains(syscall)) {
				out.add(rule);
			}
		}
		return out;
	}

}
