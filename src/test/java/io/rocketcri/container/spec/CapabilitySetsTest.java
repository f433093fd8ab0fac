package io.rocketcri.container.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.rocketcri.cri.api.Capability;
import io.rocketcri.failure.InvalidArgument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CapabilitySetsTest {

	private static final Set<String> HOST = SpecFixtures.HOST_CAPS;

	static Stream<Arguments> addDropRules() {
		List<String> defaults = CapabilitySets.DEFAULTS;
		List<String> allButResource = new ArrayList<>(LinuxCapabilities.all());
		allButResource.remove("CAP_SYS_RESOURCE");
		List<String> allButChown = new ArrayList<>(allButResource);
		allButChown.remove("CAP_CHOWN");
		List<String> defaultsPlusAdmin = new ArrayList<>(defaults);
		defaultsPlusAdmin.add("CAP_NET_ADMIN");
		List<String> defaultsWithoutRaw = new ArrayList<>(defaults);
		defaultsWithoutRaw.remove("CAP_NET_RAW");
		return Stream.of(Arguments.of("nothing asked", List.of(), List.of(), defaults),
				Arguments.of("add one, short name", List.of("NET_ADMIN"), List.of(), defaultsPlusAdmin),
				Arguments.of("add one, prefixed lower case", List.of("cap_net_admin"), List.of(), defaultsPlusAdmin),
				Arguments.of("drop one", List.of(), List.of("NET_RAW"), defaultsWithoutRaw),
				Arguments.of("add ALL: everything the runtime holds", List.of("ALL"), List.of(), allButResource),
				Arguments.of("add ALL, drop one", List.of("ALL"), List.of("CHOWN"), allButChown),
				Arguments.of("drop ALL", List.of(), List.of("ALL"), List.of()),
				Arguments.of("drop ALL, add one back", List.of("NET_BIND_SERVICE"), List.of("all"),
						List.of("CAP_NET_BIND_SERVICE")),
				Arguments.of("add and drop the same: drop wins", List.of("NET_ADMIN"), List.of("NET_ADMIN"), defaults),
				Arguments.of("a capability the runtime lacks is left out", List.of("SYS_RESOURCE", "SYS_TIME"), List.of(),
						plus(defaults, "CAP_SYS_TIME")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("addDropRules")
	void addDropRules(String rule, List<String> add, List<String> drop, List<String> expected) {
		CapabilitySets sets = CapabilitySets.of(
				Capability.newBuilder().addAllAddCapabilities(add).addAllDropCapabilities(drop).build(), false, true, HOST);

		assertThat(sets.bounding()).containsExactlyInAnyOrderElementsOf(expected);
		assertThat(sets.inheritable()).isEmpty();
		assertThat(sets.ambient()).isEmpty();
	}

	@Test
	void setsAreInBitOrder() {
		CapabilitySets sets = CapabilitySets.of(Capability.getDefaultInstance(), false, true, HOST);

		List<String> sorted = new ArrayList<>(sets.bounding());
		sorted.sort(LinuxCapabilities.BIT_ORDER);
		assertThat(List.copyOf(sets.bounding())).isEqualTo(sorted).startsWith("CAP_CHOWN", "CAP_DAC_OVERRIDE");
	}

	@Test
	void privilegedGetsExactlyWhatTheRuntimeHoldsWhateverIsDropped() {
		CapabilitySets sets = CapabilitySets.of(Capability.newBuilder().addDropCapabilities("ALL").build(), true, true,
				HOST);

		assertThat(sets.bounding()).containsExactlyInAnyOrderElementsOf(HOST).doesNotContain("CAP_SYS_RESOURCE");
	}

	@Test
	void ambientCapabilitiesAreForNonRootUsersAndAlsoInheritable() {
		Capability ambient = Capability.newBuilder().addAddAmbientCapabilities("NET_BIND_SERVICE")
			.addAddAmbientCapabilities("NET_ADMIN")
			.addAddAmbientCapabilities("SYS_RESOURCE")
			.build();

		CapabilitySets nonRoot = CapabilitySets.of(ambient, false, false, HOST);
		CapabilitySets root = CapabilitySets.of(ambient, false, true, HOST);

		assertThat(nonRoot.ambient()).containsExactly("CAP_NET_BIND_SERVICE", "CAP_NET_ADMIN");
		assertThat(nonRoot.inheritable()).isEqualTo(nonRoot.ambient());
		assertThat(nonRoot.bounding()).contains("CAP_NET_ADMIN").doesNotContain("CAP_SYS_RESOURCE");
		assertThat(root.ambient()).isEmpty();
		assertThat(root.inheritable()).isEmpty();
		assertThat(root.bounding()).doesNotContain("CAP_NET_ADMIN");
	}

	@Test
	void unknownCapabilityNamesTheListAndIndex() {
		assertThatThrownBy(() -> CapabilitySets.of(
				Capability.newBuilder().addAddCapabilities("CHOWN").addAddCapabilities("FLY").build(), false, true, HOST))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("linux.security_context.capabilities.add_capabilities[1]")
			.hasMessageContaining("FLY");
		assertThatThrownBy(
				() -> CapabilitySets.of(Capability.newBuilder().addDropCapabilities("NOPE").build(), false, true, HOST))
			.hasMessageContaining("drop_capabilities[0]");
		assertThatThrownBy(() -> CapabilitySets
			.of(Capability.newBuilder().addAddAmbientCapabilities("NOPE").build(), false, false, HOST))
			.hasMessageContaining("add_ambient_capabilities[0]");
	}

	private static List<String> plus(List<String> list, String... more) {
		List<String> out = new ArrayList<>(list);
		out.addAll(Arrays.asList(more));
		return out;
	}

}
