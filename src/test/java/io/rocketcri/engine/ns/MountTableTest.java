package io.rocketcri.engine.ns;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MountTableTest {

	private static final String MOUNTINFO = """
			27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
			42 27 254:0 /run/rocket-cri/ns /run/rocket-cri/ns rw,relatime - ext4 /dev/vda rw
			55 42 0:4 net:[4026532252] /run/rocket-cri/ns/net/pod1 rw - nsfs nsfs rw
			56 27 0:50 / /mnt/with\\040space rw shared:7 - tmpfs tmpfs rw
			57 42 0:51 / /run/rocket-cri/ns/net/pod2 rw - tmpfs tmpfs rw
			58 57 0:4 net:[4026532299] /run/rocket-cri/ns/net/pod2 rw - nsfs nsfs rw
			""";

	private final MountTable table = MountTable.parse(MOUNTINFO);

	@Test
	void findsMountPointsAndTheirFileSystem() {
		assertThat(this.table.fsTypeAt(Path.of("/run/rocket-cri/ns"))).hasValue("ext4");
		assertThat(this.table.isMountPoint(Path.of("/run/rocket-cri"))).isFalse();
		assertThat(this.table.isNamespaceFile(Path.of("/run/rocket-cri/ns/net/pod1"))).isTrue();
		assertThat(this.table.isNamespaceFile(Path.of("/run/rocket-cri/ns/net/absent"))).isFalse();
	}

	@Test
	void optionalFieldsBeforeTheSeparatorAreSkipped() {
		assertThat(this.table.fsTypeAt(Path.of("/mnt/with space"))).hasValue("tmpfs");
	}

	@Test
	void theTopmostOfStackedMountsCounts() {
		assertThat(this.table.fsTypeAt(Path.of("/run/rocket-cri/ns/net/pod2"))).hasValue("nsfs");
	}

	@Test
	void octalEscapesAreDecoded() {
		assertThat(MountTable.unescape("a\\040b\\011c\\134d")).isEqualTo("a b\tc\\d");
		assertThat(MountTable.unescape("trailing\\04")).isEqualTo("trailing\\04");
	}

	@Test
	void theRuntimesOwnTableHasTheRoot() {
		assertThat(MountTable.current().isMountPoint(Path.of("/"))).isTrue();
	}

}
