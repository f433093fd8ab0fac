package io.rocketcri.container.spec;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import com.google.protobuf.ByteString;
import io.rocketcri.cri.api.Capability;
import io.rocketcri.cri.api.Int64Value;
import io.rocketcri.cri.api.KeyValue;
import io.rocketcri.cri.api.LinuxContainerResources;
import io.rocketcri.failure.InvalidArgument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code process}: argv, environment, cwd, user, capabilities, limits. */
class OciSpecProcessTest extends GeneratorTestSupport {

	/** name, CRI command, CRI args, image entrypoint, image cmd, expected argv; "-" = empty. */
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
			"image entrypoint + cmd     | -             | -         | /entry      | serve --port=80 | /entry serve --port=80",
			"only image cmd             | -             | -         | -           | /bin/sh -c true | /bin/sh -c true",
			"args replace cmd           | -             | run fast  | /entry      | serve           | /entry run fast",
			"args with no entrypoint    | -             | /bin/ls   | -           | serve           | /bin/ls",
			"command drops cmd too      | /bin/app      | -         | /entry      | serve           | /bin/app",
			"command and args           | /bin/app -v   | x y       | /entry      | serve           | /bin/app -v x y" })
	void commandAndArgsOverrideTheImageByKubernetesRules(String rule, String command, String args, String entrypoint,
			String cmd, String expected) {
		ImageSettings image = new ImageSettings("", List.of(), words(entrypoint), words(cmd), "", "", List.of());

		JsonNode spec = generate((c) -> c.addAllCommand(words(command)).addAllArgs(words(args)), image,
				SpecFixtures.podResources());

		assertThat(texts(spec.path("process").path("args"))).containsExactlyElementsOf(words(expected));
	}

	@Test
	void nothingToRunIsAnInvalidArgumentNamingCommand() {
		assertThatThrownBy(() -> generate(nothing(), ImageSettings.empty(), SpecFixtures.podResources()))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("command:")
			.hasMessageContaining(SpecFixtures.CONTAINER_ID);
	}

	@Test
	void environmentIsDefaultsThenImageThenCri() {
		JsonNode spec = generate((c) -> c.addEnvs(env("LANG", "en_US.UTF-8")).addEnvs(env("EXTRA", "a=b")));

		assertThat(texts(spec.path("process").path("env"))).containsExactly("PATH=/usr/bin:/bin", "HOSTNAME=web-0",
				"LANG=en_US.UTF-8", "EXTRA=a=b", "HOME=/root");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("environments")
	void environmentRules(String rule, List<String> imageEnv, List<KeyValue> criEnv, boolean tty, String user,
			List<String> expected) {
		ImageSettings image = new ImageSettings(user, imageEnv, List.of("/entry"), List.of(), "", "", List.of());

		JsonNode spec = generate((c) -> c.addAllEnvs(criEnv).setTty(tty), image, SpecFixtures.podResources());

		assertThat(texts(spec.path("process").path("env"))).containsExactlyElementsOf(expected);
	}

	static Stream<Arguments> environments() {
		String path = "PATH=" + ProcessPlan.DEFAULT_PATH;
		return Stream.of(
				Arguments.of("no PATH anywhere: default", List.of(), List.of(), false, "",
						List.of(path, "HOSTNAME=web-0", "HOME=/root")),
				Arguments.of("CRI PATH wins", List.of("PATH=/img"), List.of(env("PATH", "/cri")), false, "",
						List.of("PATH=/cri", "HOSTNAME=web-0", "HOME=/root")),
				Arguments.of("image may set HOSTNAME and HOME", List.of("HOSTNAME=img", "HOME=/img"), List.of(), false,
						"app", List.of(path, "HOSTNAME=img", "HOME=/img")),
				Arguments.of("HOME from passwd of the user", List.of(), List.of(), false, "app",
						List.of(path, "HOSTNAME=web-0", "HOME=/home/app")),
				Arguments.of("terminal gets TERM", List.of(), List.of(), true, "",
						List.of(path, "HOSTNAME=web-0", "TERM=xterm", "HOME=/root")),
				Arguments.of("terminal keeps a given TERM", List.of(), List.of(env("TERM", "vt100")), true, "",
						List.of(path, "HOSTNAME=web-0", "TERM=vt100", "HOME=/root")),
				Arguments.of("empty value is a value", List.of("A=1"), List.of(env("A", "")), false, "",
						List.of(path, "HOSTNAME=web-0", "A=", "HOME=/root")),
				Arguments.of("image entries without = are dropped", List.of("JUNK"), List.of(), false, "",
						List.of(path, "HOSTNAME=web-0", "HOME=/root")));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "''", "'A=B'", "'NUL\u0000'" })
	void badEnvironmentNamesAreRefused(String key) {
		assertThatThrownBy(() -> generate((c) -> c.addEnvs(env("OK", "1")).addEnvs(env(key, "x"))))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("envs[1].key");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "''     | ''     | /", "''     | /app   | /app", "''     | app    | /app",
			"/work  | /app   | /work" })
	void workingDirectory(String criDir, String imageDir, String expected) {
		ImageSettings image = new ImageSettings("", List.of(), List.of("/entry"), List.of(), imageDir, "", List.of());

		JsonNode spec = generate((c) -> c.setWorkingDir(criDir), image, SpecFixtures.podResources());

		assertThat(spec.path("process").path("cwd").asString()).isEqualTo(expected);
	}

	@Test
	void relativeWorkingDirIsRefused() {
		assertThatThrownBy(() -> generate((c) -> c.setWorkingDir("work"))).isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("working_dir");
	}

	@Test
	void userHasIdsGroupsAndTheUsualUmask() {
		JsonNode spec = generate(security((sc) -> sc.setRunAsUser(Int64Value.newBuilder().setValue(1000))
			.addSupplementalGroups(2000)));

		JsonNode user = spec.path("process").path("user");
		assertThat(user.path("uid").asLong()).isEqualTo(1000);
		assertThat(user.path("gid").asLong()).isEqualTo(1000);
		assertThat(user.path("umask").asInt()).isEqualTo(0022);
		assertThat(user.path("additionalGids").toString()).isEqualTo("[1000,5,100,44,2000]");
	}

	@Test
	void unknownUserNameIsRefusedNamingTheFieldAndContainer() {
		assertThatThrownBy(() -> generate(security((sc) -> sc.setRunAsUsername("ghost"))))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageStartingWith("generating the OCI spec of container " + SpecFixtures.CONTAINER_ID)
			.hasMessageContaining("linux.security_context.run_as_username");
	}

	@Test
	void capabilitySetsAreFilledTheWayRuncExpects() {
		JsonNode caps = generate(security((sc) -> sc.setCapabilities(Capability.newBuilder()
			.addAddCapabilities("NET_ADMIN")
			.addDropCapabilities("MKNOD")))).path("process").path("capabilities");

		List<String> bounding = texts(caps.path("bounding"));
		assertThat(bounding).contains("CAP_NET_ADMIN", "CAP_CHOWN").doesNotContain("CAP_MKNOD").hasSize(14);
		assertThat(texts(caps.path("effective"))).isEqualTo(bounding);
		assertThat(texts(caps.path("permitted"))).isEqualTo(bounding);
		assertThat(texts(caps.path("inheritable"))).isEmpty();
		assertThat(texts(caps.path("ambient"))).isEmpty();
	}

	@Test
	void privilegedProcessGetsTheHostsCapabilities() {
		JsonNode caps = generate(security((sc) -> sc.setPrivileged(true))).path("process").path("capabilities");

		assertThat(texts(caps.path("bounding"))).containsExactlyInAnyOrderElementsOf(SpecFixtures.HOST_CAPS)
			.doesNotContain("CAP_SYS_RESOURCE");
		assertThat(texts(caps.path("effective"))).hasSize(SpecFixtures.HOST_CAPS.size());
	}

	@Test
	void ambientCapabilitiesForANonRootUser() {
		JsonNode caps = generate(security((sc) -> sc.setRunAsUser(Int64Value.newBuilder().setValue(1000))
			.setCapabilities(Capability.newBuilder().addAddAmbientCapabilities("NET_BIND_SERVICE"))))
			.path("process")
			.path("capabilities");

		assertThat(texts(caps.path("ambient"))).containsExactly("CAP_NET_BIND_SERVICE");
		assertThat(texts(caps.path("inheritable"))).containsExactly("CAP_NET_BIND_SERVICE");
	}

	@ParameterizedTest
	@CsvSource({ "20000, 20000", "4000000, 1048576", "9223372036854775807, 1048576" })
	void openFilesLimitIsTheSmallerOfTheUsualAndTheRuntimesOwn(long runtimeHard, long expected) {
		JsonNode rlimits = generate(nothing(), SpecFixtures.image(), SpecFixtures.podResources(),
				new HostLimits(SpecFixtures.HOST_CAPS, runtimeHard, true))
			.path("process")
			.path("rlimits");

		assertThat(rlimits.toString()).isEqualTo(
				"[{\"type\":\"RLIMIT_NOFILE\",\"hard\":" + expected + ",\"soft\":" + expected + "}]");
	}

	@Test
	void unknownRuntimeLimitMeansNoRlimits() {
		JsonNode process = generate(nothing(), SpecFixtures.image(), SpecFixtures.podResources(),
				HostLimits.of(SpecFixtures.HOST_CAPS))
			.path("process");

		assertThat(process.has("rlimits")).isFalse();
	}

	@ParameterizedTest
	@CsvSource(nullValues = "absent", value = { "0, 0", "2, 2", "1000, 1000", "-997, absent", "-1000, absent" })
	void oomScoreAdjIsNeverBelowTheRuntimesOwn(long requested, Long expected) {
		JsonNode process = generate(
				(c) -> c.getLinuxBuilder().setResources(LinuxContainerResources.newBuilder().setOomScoreAdj(requested)))
			.path("process");

		if (expected == null) {
			assertThat(process.has("oomScoreAdj")).isFalse();
		}
		else {
			assertThat(process.path("oomScoreAdj").asLong()).isEqualTo(expected);
		}
	}

	@Test
	void noResourcesMeansNoOomScoreAdj() {
		assertThat(generate(nothing()).path("process").has("oomScoreAdj")).isFalse();
	}

	@ParameterizedTest
	@CsvSource({ "1001", "-1001" })
	void oomScoreAdjOutOfRangeIsRefused(long requested) {
		assertThatThrownBy(() -> generate(
				(c) -> c.getLinuxBuilder().setResources(LinuxContainerResources.newBuilder().setOomScoreAdj(requested))))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("linux.resources.oom_score_adj");
	}

	@ParameterizedTest
	@CsvSource({ "true", "false" })
	void terminalAndNoNewPrivileges(boolean flag) {
		JsonNode process = generate((c) -> c.setTty(flag).getLinuxBuilder().getSecurityContextBuilder().setNoNewPrivs(flag))
			.path("process");

		assertThat(process.path("terminal").asBoolean()).isEqualTo(flag);
		assertThat(process.path("noNewPrivileges").asBoolean()).isEqualTo(flag);
	}

	static KeyValue env(String key, String value) {
		return KeyValue.newBuilder().setKey(key).setValue(ByteString.copyFromUtf8(value)).build();
	}

	private static List<String> words(String spaced) {
		return "-".equals(spaced) ? List.of() : Arrays.asList(spaced.split(" "));
	}

}
