package io.rocketcri.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link HostOs} must do, run against the real implementation and the fake alike. Only
 * calls that work without root are here; the root-only behaviour is in {@link LinuxHostOsTest}.
 */
abstract class HostOsContractTest {

	@TempDir
	Path dir;

	abstract HostOs hostOs();

	@Test
	void xattrRoundTripKeepsBinaryValues() throws IOException {
		Path file = Files.writeString(this.dir.resolve("f"), "x");
		byte[] value = { (byte) 0xff, 0, (byte) 0x80, 0x41 };

		hostOs().lsetxattr(file, "user.rocket.test", value);

		assertThat(hostOs().lgetxattr(file, "user.rocket.test")).containsExactly(value);
		assertThat(hostOs().llistxattr(file)).contains("user.rocket.test");
	}

	@Test
	void missingXattrIsNull() throws IOException {
		Path file = Files.writeString(this.dir.resolve("f"), "x");

		assertThat(hostOs().lgetxattr(file, "user.rocket.absent")).isNull();
	}

	@Test
	void xattrCallsDoNotFollowSymlinks() throws IOException {
		Path file = Files.writeString(this.dir.resolve("f"), "x");
		Path link = Files.createSymbolicLink(this.dir.resolve("l"), file);
		hostOs().lsetxattr(file, "user.rocket.test", "v".getBytes(StandardCharsets.UTF_8));

		assertThat(hostOs().lgetxattr(link, "user.rocket.test")).isNull();
		assertThat(hostOs().llistxattr(link)).doesNotContain("user.rocket.test");
	}

	@Test
	void failuresNameCallAndPath() {
		Path missing = this.dir.resolve("missing");

		assertThatThrownBy(() -> hostOs().lsetxattr(missing, "user.a", new byte[] { 1 }))
			.isInstanceOf(HostOsException.class)
			.hasMessageContaining("lsetxattr")
			.hasMessageContaining(missing.toString())
			.hasMessageContaining("(errno 2)")
			.satisfies((ex) -> assertThat(((HostOsException) ex).errno()).isEqualTo(HostOsException.ENOENT));
	}

	@Test
	void utimensSetsNanosecondsOnTheLinkItself() throws IOException {
		Path file = Files.writeString(this.dir.resolve("f"), "x");
		Path link = Files.createSymbolicLink(this.dir.resolve("l"), file);
		FileTime before = Files.getLastModifiedTime(file);

		hostOs().utimensNoFollow(link, 1_000_000_000_123_456_789L);

		assertThat(Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS).toInstant())
			.isEqualTo(java.time.Instant.ofEpochSecond(1_000_000_000L, 123_456_789L));
		assertThat(Files.getLastModifiedTime(file)).isEqualTo(before);
	}

	@Test
	void symlinkKeepsTargetBytesVerbatim() throws IOException {
		Path link = this.dir.resolve("l");

		hostOs().symlink("../some/where/", link);

		assertThat(Files.isSymbolicLink(link)).isTrue();
		assertThat(Files.readSymbolicLink(link).toString()).startsWith("../some/where");
	}

	@Test
	void mknodRefusesAnExistingPath() throws IOException {
		Path file = Files.writeString(this.dir.resolve("f"), "x");

		assertThatThrownBy(() -> hostOs().mknod(file, HostOs.S_IFIFO | 0644, 0, 0))
			.isInstanceOf(HostOsException.class)
			.satisfies((ex) -> assertThat(((HostOsException) ex).errno()).isEqualTo(HostOsException.EEXIST));
	}

	@Test
	void statvfsReportsSaneNumbers() throws IOException {
		FsUsage usage = hostOs().statvfs(this.dir);

		assertThat(usage.totalBytes()).isPositive();
		assertThat(usage.freeBytes()).isBetween(0L, usage.totalBytes());
		assertThat(usage.freeInodes()).isBetween(0L, usage.totalInodes());
	}

	@Test
	void killOfAMissingProcessFailsWithEsrch() {
		// above the kernel's pid_max limit (2^22), so never a live process
		assertThatThrownBy(() -> hostOs().kill(Integer.MAX_VALUE, 0)).isInstanceOf(HostOsException.class)
			.satisfies((ex) -> assertThat(((HostOsException) ex).errno()).isEqualTo(HostOsException.ESRCH))
			.hasMessageContaining("kill 0");
	}

	@Test
	void signalZeroFindsOurselves() throws IOException {
		hostOs().kill((int) ProcessHandle.current().pid(), 0);
	}

	@Test
	void writeFifoWithoutAReaderFailsInsteadOfBlocking() throws IOException {
		Path fifo = this.dir.resolve("ctl");
		hostOs().mknod(fifo, HostOs.S_IFIFO | 0600, 0, 0);

		assertThatThrownBy(() -> hostOs().writeFifo(fifo, "2 0 0\n".getBytes(StandardCharsets.US_ASCII)))
			.isInstanceOf(HostOsException.class)
			.satisfies((ex) -> assertThat(((HostOsException) ex).errno()).isEqualTo(HostOsException.ENXIO))
			.hasMessageContaining(fifo.toString());
	}

}
