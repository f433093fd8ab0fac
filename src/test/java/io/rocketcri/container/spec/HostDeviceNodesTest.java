package io.rocketcri.container.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reads this machine's /dev (present on any Linux) and a temp tree; creates no device. */
class HostDeviceNodesTest {

	@TempDir
	Path temp;

	private final HostDeviceNodes nodes = new HostDeviceNodes();

	/** dev_t values as glibc's makedev builds them. */
	@ParameterizedTest
	@CsvSource({ "259, 1, 0x10301", "1, 3, 0x103", "8, 0, 0x800", "136, 300, 0x10882c", "4095, 1048575, 0xffffffff",
			"4096, 0, 0x100000000000", "4096, 256, 0x100000100000" })
	void majorAndMinorFromRdev(long major, long minor, String rdev) {
		long value = Long.decode(rdev);

		assertThat(DeviceNode.major(value)).isEqualTo(major);
		assertThat(DeviceNode.minor(value)).isEqualTo(minor);
	}

	@Test
	void devNullIsCharacterDeviceOneThree() throws IOException {
		assertThat(this.nodes.at("/dev/null")).singleElement().satisfies((node) -> {
			assertThat(node.path()).isEqualTo("/dev/null");
			assertThat(node.type()).isEqualTo("c");
			assertThat(node.major()).isEqualTo(1);
			assertThat(node.minor()).isEqualTo(3);
			assertThat(node.fileMode()).isEqualTo(0666);
		});
	}

	@Test
	void aLinkToADeviceIsFollowedAndKeepsItsOwnName() throws IOException {
		Path link = Files.createSymbolicLink(this.temp.resolve("nul"), Path.of("/dev/null"));

		assertThat(this.nodes.at(link.toString())).singleElement().satisfies((node) -> {
			assertThat(node.path()).isEqualTo(link.toString());
			assertThat(node.minor()).isEqualTo(3);
		});
	}

	@Test
	void aRegularFileIsNoDeviceAndAMissingPathIsAnError() throws IOException {
		Path file = Files.writeString(this.temp.resolve("file"), "x");

		assertThat(this.nodes.at(file.toString())).isEmpty();
		assertThatThrownBy(() -> this.nodes.at(this.temp.resolve("missing").toString()))
			.isInstanceOf(NoSuchFileException.class);
	}

	@Test
	void aDirectoryWithoutDevicesHasNone() throws IOException {
		Files.createDirectories(this.temp.resolve("d/sub"));
		Files.writeString(this.temp.resolve("d/sub/f"), "x");
		Files.createSymbolicLink(this.temp.resolve("d/null"), Path.of("/dev/null"));

		// Links inside a directory are not followed: only real nodes count.
		assertThat(this.nodes.at(this.temp.resolve("d").toString())).isEmpty();
	}

	@Test
	void hostDevicesSkipPerContainerFileSystemsAndLinks() throws IOException {
		List<DeviceNode> host = this.nodes.hostDevices();

		assertThat(host).extracting(DeviceNode::path).contains("/dev/null", "/dev/zero");
		assertThat(host).extracting(DeviceNode::path)
			.noneMatch((p) -> p.startsWith("/dev/pts/") || p.startsWith("/dev/shm/") || p.startsWith("/dev/mqueue/")
					|| p.equals("/dev/console") || p.startsWith("/dev/fd"));
		assertThat(host).extracting(DeviceNode::type).containsOnly("c", "b");
	}

}
