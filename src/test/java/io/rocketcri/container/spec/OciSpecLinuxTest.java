package io.rocketcri.container.spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.rocketcri.cri.api.Capability;
import io.rocketcri.cri.api.CDIDevice;
import io.rocketcri.cri.api.Device;
import io.rocketcri.cri.api.HugepageLimit;
import io.rocketcri.cri.api.LinuxContainerResources;
import io.rocketcri.cri.api.NamespaceMode;
import io.rocketcri.cri.api.NamespaceOption;
import io.rocketcri.cri.api.SecurityProfile;
import io.rocketcri.cri.api.UserNamespace;
import io.rocketcri.failure.InvalidArgument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code linux}: namespaces, cgroup, resources, devices, kernel paths, seccomp, AppArmor. */
class OciSpecLinuxTest extends GeneratorTestSupport {

	private static final PodResources WITH_INFRA = new PodResources(Path.of("/run/n"), Path.of("/run/i"),
			Path.of("/run/u"), 4242, null, null, null, null, "/kubepods/pod1", null);

	/** pid mode, pod resources, expected namespaces as "type[=path]". */
	@ParameterizedTest(name = "pid {0}, {1}")
	@CsvSource(delimiter = '|', value = {
			"CONTAINER | pod namespaces  | pid network=/run/n ipc=/run/i uts=/run/u mount",
			"POD       | pod namespaces  | pid=/proc/4242/ns/pid network=/run/n ipc=/run/i uts=/run/u mount",
			"POD       | no infra        | pid network=/run/n ipc=/run/i uts=/run/u mount",
			"NODE      | pod namespaces  | network=/run/n ipc=/run/i uts=/run/u mount",
			"CONTAINER | host namespaces | pid mount", "NODE      | host namespaces | mount" })
	void namespaces(NamespaceMode pid, String pod, String expected) {
		PodResources resources = switch (pod) {
			case "pod namespaces" -> WITH_INFRA;
			case "no infra" -> new PodResources(Path.of("/run/n"), Path.of("/run/i"), Path.of("/run/u"), null, null, null,
					null, null, "/kubepods/pod1", null);
			default -> PodResources.hostNamespaces("/kubepods/pod1");
		};

		JsonNode namespaces = generate(
				security((sc) -> sc.setNamespaceOptions(NamespaceOption.newBuilder().setPid(pid))),
				SpecFixtures.image(), resources)
			.path("linux")
			.path("namespaces");

		assertThat(String.join(" ", namespaces(namespaces))).isEqualTo(expected);
	}

	@Test
	void hostnameOnlyWithTheContainersOwnUtsNamespace() {
		JsonNode own = generate(nothing());
		JsonNode host = generate(nothing(), SpecFixtures.image(), PodResources.hostNamespaces("/kubepods"));
		JsonNode named = generate(nothing(), SpecFixtures.image(), new PodResources(null, null, Path.of("/run/u"), null,
				null, null, null, null, "/kubepods", "override"));

		assertThat(own.path("hostname").asString()).isEqualTo("web-0");
		assertThat(host.has("hostname")).isFalse();
		assertThat(texts(host.path("process").path("env"))).contains("HOSTNAME=web-0");
		assertThat(named.path("hostname").asString()).isEqualTo("override");
		assertThat(texts(named.path("process").path("env"))).contains("HOSTNAME=override");
	}

	@Test
	void targetPidNamespaceAndUserNamespacesAreRefused() {
		assertThatThrownBy(() -> generate(security((sc) -> sc.setNamespaceOptions(
				NamespaceOption.newBuilder().setPid(NamespaceMode.TARGET).setTargetId("abc")))))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("linux.security_context.namespace_options.pid")
			.hasMessageContaining("abc");
		assertThatThrownBy(() -> generate(security((sc) -> sc.setNamespaceOptions(NamespaceOption.newBuilder()
			.setPid(NamespaceMode.CONTAINER)
			.setUsernsOptions(UserNamespace.newBuilder().setMode(NamespaceMode.POD))))))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("namespace_options.userns_options");
	}

	@Test
	void hostUserNamespaceIsFine() {
		JsonNode spec = generate(security((sc) -> sc.setNamespaceOptions(NamespaceOption.newBuilder()
			.setPid(NamespaceMode.CONTAINER)
			.setUsernsOptions(UserNamespace.newBuilder().setMode(NamespaceMode.NODE)))));

		assertThat(namespaces(spec.path("linux").path("namespaces"))).noneMatch((n) -> n.startsWith("user"));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "/kubepods/burstable/pod1 | /kubepods/burstable/pod1/",
			"kubepods/pod1            | /kubepods/pod1/", "/kubepods/pod1/          | /kubepods/pod1/",
			"''                       | /rocket-cri/", "/                        | /" })
	void cgroupsPathIsTheParentThenTheContainerId(String parent, String expectedPrefix) {
		JsonNode spec = generate(nothing(), SpecFixtures.image(), PodResources.hostNamespaces(parent));

		assertThat(spec.path("linux").path("cgroupsPath").asString())
			.isEqualTo(expectedPrefix + SpecFixtures.CONTAINER_ID);
	}

	@Test
	void systemdSliceParentIsRefused() {
		assertThatThrownBy(() -> generate(nothing(), SpecFixtures.image(),
				PodResources.hostNamespaces("kubepods-burstable-pod1.slice")))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("linux.cgroup_parent");
	}

	@Test
	void resourcesMapOntoCgroupV1Settings() {
		JsonNode resources = generate((c) -> c.getLinuxBuilder()
			.setResources(LinuxContainerResources.newBuilder()
				.setCpuShares(512)
				.setCpuQuota(50000)
				.setCpuPeriod(100000)
				.setCpusetCpus("0-1,3")
				.setCpusetMems("0")
				.setMemoryLimitInBytes(256L << 20)
				.addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(-1L))
				.putUnified("memory.high", "1000000")))
			.path("linux")
			.path("resources");

		assertThat(resources.path("cpu").toString())
			.isEqualTo("{\"shares\":512,\"quota\":50000,\"period\":100000,\"cpus\":\"0-1,3\",\"mems\":\"0\"}");
		assertThat(resources.path("memory").toString())
			.isEqualTo("{\"limit\":" + (256L << 20) + ",\"swap\":" + (256L << 20) + "}");
		assertThat(resources.path("hugepageLimits").toString())
			.isEqualTo("[{\"pageSize\":\"2MB\",\"limit\":18446744073709551615}]");
		assertThat(resources.path("unified").toString()).isEqualTo("{\"memory.high\":\"1000000\"}");
	}

	@ParameterizedTest
	@CsvSource(nullValues = "absent", value = { "0, true, 1000", "2000, true, 2000", "-1, true, -1",
			"0, false, absent", "2000, false, absent" })
	void swapFollowsTheLimitWhereTheHostAccountsSwap(long swap, boolean accounting, Long expected) {
		JsonNode memory = generate(
				(c) -> c.getLinuxBuilder()
					.setResources(LinuxContainerResources.newBuilder()
						.setMemoryLimitInBytes(1000)
						.setMemorySwapLimitInBytes(swap)),
				SpecFixtures.image(), SpecFixtures.podResources(), new HostLimits(SpecFixtures.HOST_CAPS, 20000, accounting))
			.path("linux")
			.path("resources")
			.path("memory");

		assertThat(memory.path("limit").asLong()).isEqualTo(1000);
		if (expected == null) {
			assertThat(memory.has("swap")).isFalse();
		}
		else {
			assertThat(memory.path("swap").asLong()).isEqualTo(expected);
		}
	}

	@Test
	void zeroMeansUnsetSoNothingIsWritten() {
		JsonNode resources = generate(
				(c) -> c.getLinuxBuilder().setResources(LinuxContainerResources.newBuilder().setMemorySwapLimitInBytes(5)))
			.path("linux")
			.path("resources");

		assertThat(resources.has("cpu")).isFalse();
		assertThat(resources.has("memory")).isFalse();
		assertThat(resources.has("hugepageLimits")).isFalse();
		assertThat(resources.has("devices")).isTrue();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = { "negative shares | shares       | linux.resources.cpu_shares",
			"quota below -1  | quota        | linux.resources.cpu_quota",
			"negative period | period       | linux.resources.cpu_period",
			"bad cpuset      | cpus         | linux.resources.cpuset_cpus",
			"bad mems        | mems         | linux.resources.cpuset_mems",
			"negative memory | memory       | linux.resources.memory_limit_in_bytes",
			"swap below mem  | swap         | linux.resources.memory_swap_limit_in_bytes",
			"bad page size   | page         | linux.resources.hugepage_limits[0].page_size" })
	void badResourcesAreRefusedNamingTheField(String why, String what, String field) {
		LinuxContainerResources.Builder r = LinuxContainerResources.newBuilder();
		switch (what) {
			case "shares" -> r.setCpuShares(-2);
			case "quota" -> r.setCpuQuota(-5);
			case "period" -> r.setCpuPeriod(-1);
			case "cpus" -> r.setCpusetCpus("0-a");
			case "mems" -> r.setCpusetMems("all");
			case "memory" -> r.setMemoryLimitInBytes(-1);
			case "swap" -> r.setMemoryLimitInBytes(1000).setMemorySwapLimitInBytes(10);
			default -> r.addHugepageLimits(HugepageLimit.newBuilder().setPageSize("huge").setLimit(1));
		}

		assertThatThrownBy(() -> generate((c) -> c.getLinuxBuilder().setResources(r)))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining(field);
	}

	@Test
	void unprivilegedDeviceRulesDenyAllButTheStandardCharacterDevices() {
		JsonNode rules = generate(nothing()).path("linux").path("resources").path("devices");

		assertThat(rules(rules)).containsExactly("deny rwm", "allow c *:* m", "allow b *:* m", "allow c 1:3 rwm",
				"allow c 1:5 rwm", "allow c 1:7 rwm", "allow c 1:8 rwm", "allow c 1:9 rwm", "allow c 5:0 rwm",
				"allow c 5:1 rwm", "allow c 5:2 rwm", "allow c 136:* rwm");
	}

	@Test
	void criDevicesAreCreatedAndAllowedWithTheirPermissions() {
		JsonNode linux = generate((c) -> c.addDevices(device("/dev/nvidia0", "/dev/gpu0", "mrw"))
			.addDevices(device("/dev/sda", "", "r"))
			.addDevices(device("/dev/gpus", "/dev/accel", ""))).path("linux");

		assertThat(linux.path("devices").toString()).isEqualTo("["
				+ "{\"path\":\"/dev/gpu0\",\"type\":\"c\",\"major\":195,\"minor\":0,\"fileMode\":432,\"uid\":0,\"gid\":6},"
				+ "{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,\"minor\":0,\"fileMode\":432,\"uid\":0,\"gid\":6},"
				+ "{\"path\":\"/dev/accel/nvidia0\",\"type\":\"c\",\"major\":195,\"minor\":0,\"fileMode\":432,\"uid\":0,\"gid\":6},"
				+ "{\"path\":\"/dev/accel/nvidiactl\",\"type\":\"c\",\"major\":195,\"minor\":255,\"fileMode\":432,\"uid\":0,\"gid\":6}]");
		assertThat(rules(linux.path("resources").path("devices"))).endsWith("allow c 195:0 rwm", "allow b 8:0 r",
				"allow c 195:0 rwm", "allow c 195:255 rwm");
	}

	@Test
	void privilegedContainerGetsEveryHostDeviceAndAnAllowAllRule() {
		JsonNode linux = generate(security((sc) -> sc.setPrivileged(true))).path("linux");

		assertThat(rules(linux.path("resources").path("devices"))).containsExactly("allow rwm");
		assertThat(linux.path("devices").findValuesAsString("path")).containsExactly("/dev/null", "/dev/zero",
				"/dev/nvidia0", "/dev/nvidiactl", "/dev/sda");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = { "relative host path    | dev/null   | /dev/x   | rw   | devices[1].host_path",
			"no such device        | /dev/nope  | /dev/x   | rw   | devices[1].host_path: no device",
			"not a device          | /etc/motd  | /dev/x   | rw   | devices[1].host_path: /etc/motd is not a device",
			"relative container    | /dev/null  | dev/x    | rw   | devices[1].container_path",
			"bad permissions       | /dev/null  | /dev/x   | rwx  | devices[1].permissions",
			"repeated permission   | /dev/null  | /dev/x   | rr   | devices[1].permissions" })
	void badDevicesAreRefusedNamingTheField(String why, String host, String container, String permissions,
			String message) {
		assertThatThrownBy(() -> generate((c) -> c.addDevices(device("/dev/zero", "/dev/z", "rw"))
			.addDevices(device(host, container, permissions))))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining(message);
	}

	@Test
	void cdiDevicesNoSpecDefinesAreRefusedNamingTheField() {
		assertThatThrownBy(() -> generate((c) -> c.addCDIDevices(CDIDevice.newBuilder().setName("vendor.com/gpu=0"))))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("CDI_devices[0].name")
			.hasMessageContaining("unknown CDI device vendor.com/gpu=0");
	}

	@Test
	void kernelInterfacesAreMaskedAndReadonlyByDefault() {
		JsonNode linux = generate(nothing()).path("linux");

		assertThat(texts(linux.path("maskedPaths"))).containsExactlyElementsOf(OciSpecGenerator.MASKED_PATHS)
			.contains("/proc/kcore", "/proc/keys", "/sys/firmware", "/sys/devices/virtual/powercap", "/proc/scsi");
		assertThat(texts(linux.path("readonlyPaths"))).containsExactly("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
				"/proc/sysrq-trigger");
	}

	@Test
	void criPathListsReplaceTheDefaultsAndPrivilegedHasNone() {
		JsonNode given = generate(security((sc) -> sc.addMaskedPaths("/proc/one").addReadonlyPaths("/proc/two")))
			.path("linux");
		JsonNode privileged = generate(security((sc) -> sc.setPrivileged(true).addMaskedPaths("/proc/one")))
			.path("linux");

		assertThat(texts(given.path("maskedPaths"))).containsExactly("/proc/one");
		assertThat(texts(given.path("readonlyPaths"))).containsExactly("/proc/two");
		assertThat(privileged.has("maskedPaths")).isFalse();
		assertThat(privileged.has("readonlyPaths")).isFalse();
	}

	@Test
	void relativeMaskedPathIsRefused() {
		assertThatThrownBy(() -> generate(security((sc) -> sc.addMaskedPaths("/ok").addMaskedPaths("proc/kcore"))))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("linux.security_context.masked_paths[1]");
	}

	/** seccomp field, deprecated path, privileged, expected ("none", "default", or a syscall name). */
	@ParameterizedTest(name = "seccomp={0} path={1} privileged={2}")
	@CsvSource(delimiter = '|', value = { "absent          | ''              | false | none",
			"RuntimeDefault  | ''              | false | default", "Unconfined      | ''              | false | none",
			"RuntimeDefault  | ''              | true  | none", "absent          | runtime/default | false | default",
			"absent          | docker/default  | false | default", "absent          | unconfined      | false | none",
			"Unconfined      | runtime/default | false | none", "absent          | localhost/l.json | false | chmod",
			"Localhost       | ''              | false | chmod" })
	void seccompProfileChoice(String field, String path, boolean privileged, String expected) throws Exception {
		Files.writeString(this.profiles.resolve("l.json"),
				"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"chmod\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
		JsonNode linux = generate(security((sc) -> {
			if (!"absent".equals(field)) {
				sc.setSeccomp(SecurityProfile.newBuilder()
					.setProfileType(SecurityProfile.ProfileType.valueOf(field))
					.setLocalhostRef("l.json"));
			}
			sc.setSeccompProfilePath(path).setPrivileged(privileged);
		})).path("linux");

		switch (expected) {
			case "none" -> assertThat(linux.has("seccomp")).isFalse();
			case "default" -> assertThat(linux.path("seccomp").path("defaultAction").asString()).isEqualTo("SCMP_ACT_ERRNO");
			default -> assertThat(texts(linux.path("seccomp").path("syscalls").get(0).path("names")))
				.containsExactly(expected);
		}
	}

	@Test
	void runtimeDefaultFollowsTheContainersCapabilities() {
		JsonNode withAdmin = generate(security((sc) -> sc
			.setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.RuntimeDefault))
			.setCapabilities(Capability.newBuilder().addAddCapabilities("SYS_ADMIN")))).path("linux").path("seccomp");

		assertThat(SeccompProfilesTest.unconditionallyAllowed(withAdmin)).contains("mount", "unshare");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "Localhost | no-such-profile.json | linux.security_context.seccomp.localhost_ref",
			"Localhost | ''                   | linux.security_context.seccomp.localhost_ref" })
	void missingLocalhostSeccompProfileIsRefused(SecurityProfile.ProfileType type, String ref, String field) {
		assertThatThrownBy(() -> generate(security(
				(sc) -> sc.setSeccomp(SecurityProfile.newBuilder().setProfileType(type).setLocalhostRef(ref)))))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining(field);
	}

	@Test
	void unknownDeprecatedSeccompPathIsRefusedNamingThatField() {
		assertThatThrownBy(() -> generate(security((sc) -> sc.setSeccompProfilePath("strict"))))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("linux.security_context.seccomp_profile_path");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "RuntimeDefault | ''", "Unconfined | ''", "absent | ''",
			"absent | runtime/default", "absent | unconfined" })
	void appArmorThatAsksForNothingSpecificIsIgnored(String type, String deprecated) {
		JsonNode spec = generate(security((sc) -> {
			if (!"absent".equals(type)) {
				sc.setApparmor(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.valueOf(type)));
			}
			sc.setApparmorProfile(deprecated);
		}));

		assertThat(spec.path("process").has("apparmorProfile")).isFalse();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "Localhost | '' | linux.security_context.apparmor.localhost_ref",
			"absent | localhost/k8s-nginx | linux.security_context.apparmor_profile",
			"absent | weird | linux.security_context.apparmor_profile" })
	void appArmorProfilesThatCannotBeHonouredAreRefused(String type, String deprecated, String field) {
		assertThatThrownBy(() -> generate(security((sc) -> {
			if (!"absent".equals(type)) {
				sc.setApparmor(SecurityProfile.newBuilder()
					.setProfileType(SecurityProfile.ProfileType.valueOf(type))
					.setLocalhostRef("k8s-nginx"));
			}
			sc.setApparmorProfile(deprecated);
		}))).isInstanceOf(InvalidArgument.class).hasMessageContaining(field);
	}

	static Device device(String host, String container, String permissions) {
		return Device.newBuilder().setHostPath(host).setContainerPath(container).setPermissions(permissions).build();
	}

	/** "allow|deny [type major:minor] access", * for an absent number. */
	static List<String> rules(JsonNode rules) {
		List<String> out = new java.util.ArrayList<>();
		for (JsonNode r : rules) {
			StringBuilder s = new StringBuilder(r.path("allow").asBoolean() ? "allow" : "deny");
			if (r.has("type")) {
				s.append(' ')
					.append(r.path("type").asString())
					.append(' ')
					.append(r.has("major") ? r.path("major").asString() : "*")
					.append(':')
					.append(r.has("minor") ? r.path("minor").asString() : "*");
			}
			out.add(s.append(' ').append(r.path("access").asString()).toString());
		}
		return out;
	}

	static List<String> namespaces(JsonNode namespaces) {
		List<String> out = new java.util.ArrayList<>();
		namespaces.forEach((n) -> out.add(n.path("type").asString() + (n.has("path") ? "=" + n.path("path").asString() : "")));
		return out;
	}

}
