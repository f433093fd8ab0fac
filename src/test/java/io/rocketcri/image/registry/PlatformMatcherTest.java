package io.rocketcri.image.registry;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformMatcherTest {

	private static Descriptor child(String digestChar, String platform) {
		return new Descriptor(MediaTypes.OCI_MANIFEST, "sha256:" + digestChar.repeat(64), 100, List.of(), Map.of(),
				(platform == null) ? null : Platform.parse(platform));
	}

	private static final List<Descriptor> INDEX = List.of(child("a", "linux/amd64"), child("b", "linux/arm/v6"),
			child("c", "linux/arm/v7"), child("d", "linux/arm64"), child("e", "linux/ppc64le"),
			child("f", "unknown/unknown"), child("9", "windows/amd64"));

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(textBlock = """
			linux/amd64,      a
			linux/x86_64,     a
			linux/arm64,      d
			linux/arm64/v8,   d
			linux/aarch64,    d
			linux/arm/v7,     c
			linux/arm,        c
			linux/arm/v6,     b
			linux/arm/v8,     c
			linux/ppc64le,    e
			windows/amd64,    9
			""")
	void picksTheMatchingChild(String wanted, String digestChar) {
		assertThat(PlatformMatcher.select(INDEX, Platform.parse(wanted))).map(Descriptor::digest)
			.contains("sha256:" + digestChar.repeat(64));
	}

	@Test
	void armVariantNeedsNoOlderThanTheHostRuns() {
		assertThat(PlatformMatcher.select(List.of(child("c", "linux/arm/v7")), Platform.parse("linux/arm/v6"))).isEmpty();
		assertThat(PlatformMatcher.select(List.of(child("d", "linux/arm64/v9")), Platform.parse("linux/arm64")))
			.isEmpty();
	}

	@Test
	void neverPicksAttestationsOrNoPlatformEntries() {
		Descriptor attestation = new Descriptor(MediaTypes.OCI_MANIFEST, "sha256:" + "1".repeat(64), 10, List.of(),
				Map.of(PlatformMatcher.REFERENCE_TYPE, "attestation-manifest"), Platform.parse("linux/s390x"));
		List<Descriptor> index = List.of(attestation, child("2", null), child("f", "unknown/unknown"));
		assertThat(PlatformMatcher.select(index, Platform.parse("linux/s390x"))).isEmpty();
		assertThat(PlatformMatcher.available(INDEX)).containsExactly("linux/amd64", "linux/arm/v6", "linux/arm/v7",
				"linux/arm64", "linux/ppc64le", "windows/amd64");
	}

	@Test
	void hostPlatformIsLinuxWithGoArchitectureNames() {
		Platform host = Platform.host();
		assertThat(host.os()).isEqualTo("linux");
		String arch = System.getProperty("os.arch");
		if (arch.equals("amd64") || arch.equals("x86_64")) {
			assertThat(host).isEqualTo(new Platform("linux", "amd64", null));
		}
		else if (arch.equals("aarch64")) {
			assertThat(host).isEqualTo(new Platform("linux", "arm64", "v8"));
		}
		assertThat(Platform.parse("linux/arm64").normalised()).hasToString("linux/arm64/v8");
	}

}
