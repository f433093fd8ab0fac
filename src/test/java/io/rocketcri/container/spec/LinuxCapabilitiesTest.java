package io.rocketcri.container.spec;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinuxCapabilitiesTest {

	@ParameterizedTest
	@CsvSource(nullValues = "null", value = { "CAP_NET_ADMIN, CAP_NET_ADMIN", "NET_ADMIN, CAP_NET_ADMIN",
			"net_admin, CAP_NET_ADMIN", "' Sys_Admin ', CAP_SYS_ADMIN", "cap_chown, CAP_CHOWN",
			"CHECKPOINT_RESTORE, CAP_CHECKPOINT_RESTORE", "NET_ADMINS, null", "ALL, null", "'', null",
			"CAP_, null" })
	void canonicalNamesTakeAnySpelling(String given, String expected) {
		assertThat(LinuxCapabilities.canonical(given)).isEqualTo(expected);
	}

	@Test
	void bitOrderIsTheKernels() {
		assertThat(LinuxCapabilities.all()).hasSize(41);
		assertThat(LinuxCapabilities.all().get(21)).isEqualTo("CAP_SYS_ADMIN");
		assertThat(LinuxCapabilities.all().get(24)).isEqualTo("CAP_SYS_RESOURCE");
		assertThat(LinuxCapabilities.all().get(40)).isEqualTo("CAP_CHECKPOINT_RESTORE");
	}

	@Test
	void boundingSetOfThisKindOfHostLacksSysResource() {
		String status = """
				Name:\tjava
				CapInh:\t0000000000000000
				CapPrm:\t000001fffeffffff
				CapEff:\t000001fffeffffff
				CapBnd:\t000001fffeffffff
				CapAmb:\t0000000000000000
				""";

		assertThat(LinuxCapabilities.boundingSetOf(status)).hasSize(40)
			.doesNotContain("CAP_SYS_RESOURCE")
			.contains("CAP_SYS_ADMIN", "CAP_CHECKPOINT_RESTORE");
	}

	@Test
	void maskBitsBeyondTheKnownOnesAreIgnored() {
		assertThat(LinuxCapabilities.fromMask(0x1L | (1L << 21) | (1L << 50))).containsExactly("CAP_CHOWN",
				"CAP_SYS_ADMIN");
	}

	@Test
	void statusWithoutBoundingSetIsRefused() {
		assertThatThrownBy(() -> LinuxCapabilities.boundingSetOf("Name:\tx\n"))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void openFilesHardLimitIsTheSecondColumn() {
		String limits = """
				Limit                     Soft Limit           Hard Limit           Units
				Max processes             96365                96365                processes
				Max open files            1024                 20000                files
				""";

		assertThat(HostLimits.openFilesHardLimitOf(limits)).isEqualTo(20000);
		assertThat(HostLimits.openFilesHardLimitOf("Max open files  unlimited  unlimited  files\n"))
			.isEqualTo(Long.MAX_VALUE);
		assertThat(HostLimits.openFilesHardLimitOf("Max processes 1 1\n")).isEqualTo(HostLimits.UNKNOWN);
	}

	@Test
	void hostLimitsKeepOnlyRealCapabilitiesInCanonicalForm() {
		HostLimits limits = HostLimits.of(java.util.Set.of("chown", "CAP_KILL", "BOGUS"));

		assertThat(limits.capabilities()).containsExactlyInAnyOrderElementsOf(List.of("CAP_CHOWN", "CAP_KILL"));
		assertThat(limits.openFilesHardLimit()).isEqualTo(HostLimits.UNKNOWN);
		assertThat(limits.swapAccounting()).isFalse();
	}

}
