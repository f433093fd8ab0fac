package io.rocketcri.engine;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real implementation against the kernel; the root-only calls are tagged {@code host}. */
class LinuxHostOsTest extends HostOsContractTest {

	private final LinuxHostOs os = new LinuxHostOs();

	@Override
	HostOs hostOs() {
		return this.os;
	}

	@Test
	void makedevMatchesGlibcLayout() {
		assertThat(LinuxHostOs.makedev(0, 0)).isZero();
		assertThat(LinuxHostOs.makedev(1, 3)).isEqualTo(0x103L);
		// major 0x1234 and minor 0x56789: high major bits go to 32+, high minor bits to 12+.
		assertThat(LinuxHostOs.makedev(0x1234, 0x56789)).isEqualTo(0x0000_1000_5672_3489L);
	}

	@Test
	void mknodMakesAFifoWithoutRoot() throws Exception {
		Path fifo = this.dir.resolve("fifo");

		this.os.mknod(fifo, HostOs.S_IFIFO | 0640, 0, 0);

		assertThat((int) Files.getAttribute(fifo, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000)
			.isEqualTo(HostOs.S_IFIFO);
	}

	@Test
	@Tag("host")
	void mknodMakesCharacterDevicesWithTheirNumbers() throws Exception {
		Path node = this.dir.resolve("null");

		this.os.mknod(node, HostOs.S_IFCHR | 0666, 1, 3);

		assertThat((int) Files.getAttribute(node, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000)
			.isEqualTo(HostOs.S_IFCHR);
		assertThat((long) Files.getAttribute(node, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0x103L);
	}

	@Test
	@Tag("host")
	void largeDeviceNumbersSurviveTheKernelRoundTrip() throws Exception {
		Path node = this.dir.resolve("big");

		this.os.mknod(node, HostOs.S_IFBLK | 0600, 0xabc, 0x56789);

		// Linux keeps 12 bits of major and 20 of minor. stat(1) decodes st_rdev with glibc's major()/minor(): an independent check of makedev.
		Process stat = new ProcessBuilder("stat", "-c", "%t %T", node.toString()).start();
		assertThat(new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim())
			.isEqualTo("abc 56789");
	}

	@Test
	@Tag("host")
	void lchownChangesTheLinkNotTheTarget() throws Exception {
		Path file = Files.writeString(this.dir.resolve("f"), "x");
		Path link = Files.createSymbolicLink(this.dir.resolve("l"), file);

		this.os.lchown(link, 1234, 4321);

		assertThat(Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(1234);
		assertThat(Files.getAttribute(link, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(4321);
		assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(0);
	}

	@Test
	@Tag("host")
	void trustedXattrOnASymlinkItself() throws Exception {
		Path link = Files.createSymbolicLink(this.dir.resolve("l"), Path.of("/nonexistent"));

		this.os.lsetxattr(link, "trusted.rocket.test", "y".getBytes(StandardCharsets.UTF_8));

		assertThat(this.os.lgetxattr(link, "trusted.rocket.test")).asString(StandardCharsets.UTF_8).isEqualTo("y");
	}

	@Test
	@Tag("host")
	void bindMountAndDetach() throws Exception {
		Path source = Files.createDirectory(this.dir.resolve("src"));
		Files.writeString(source.resolve("marker"), "m");
		Path target = Files.createDirectory(this.dir.resolve("dst"));

		this.os.mount(source.toString(), target, null, HostOs.MS_BIND, null);
		try {
			assertThat(target.resolve("marker")).hasContent("m");
		}
		finally {
			this.os.unmount(target, HostOs.MNT_DETACH);
		}
		assertThat(target.resolve("marker")).doesNotExist();
		assertThatThrownBy(() -> this.os.unmount(target, 0)).isInstanceOf(HostOsException.class)
			.hasMessageContaining("umount2 " + target);
	}

	@Test
	void writeFifoReachesAReader() throws Exception {
		Path fifo = this.dir.resolve("ctl");
		this.os.mknod(fifo, HostOs.S_IFIFO | 0600, 0, 0);
		CompletableFuture<byte[]> read = new CompletableFuture<>();
		Thread.ofVirtual().start(() -> {
			try (InputStream in = Files.newInputStream(fifo)) {
				read.complete(in.readAllBytes());
			}
			catch (Exception ex) {
				read.completeExceptionally(ex);
			}
		});
		// the reader's open blocks until a writer comes, and our open fails until the reader is there
		long deadline = System.nanoTime() + 5_000_000_000L;
		while (true) {
			try {
				this.os.writeFifo(fifo, "2 0 0\n".getBytes(StandardCharsets.US_ASCII));
				break;
			}
			catch (HostOsException ex) {
				if (ex.errno() != HostOsException.ENXIO || System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(5);
			}
		}

		assertThat(new String(read.get(5, TimeUnit.SECONDS), StandardCharsets.US_ASCII))
			.isEqualTo("2 0 0\n");
	}

	@Test
	void killReachesAChildProcess() throws Exception {
		Process sleeper = new ProcessBuilder("sleep", "30").start();

		this.os.kill((int) sleeper.pid(), HostOs.SIGTERM);

		assertThat(sleeper.waitFor(5, TimeUnit.SECONDS)).isTrue();
		assertThat(sleeper.exitValue()).isEqualTo(128 + HostOs.SIGTERM);
	}


	@Test
	void signalIfStartedAtSignalsOnlyTheProcessThatStartedThen() throws Exception {
		Process sleeper = new ProcessBuilder("sleep", "30").start();
		int pid = (int) sleeper.pid();
		long started = LinuxHostOs.processStartTime(pid);

		assertThat(this.os.signalIfStartedAt(pid, started + 1, HostOs.SIGTERM)).isFalse();
		assertThat(sleeper.isAlive()).isTrue();
		assertThat(this.os.signalIfStartedAt(pid, started, HostOs.SIGTERM)).isTrue();
		assertThat(sleeper.waitFor(5, TimeUnit.SECONDS)).isTrue();
		assertThat(sleeper.exitValue()).isEqualTo(128 + HostOs.SIGTERM);
		assertThat(this.os.signalIfStartedAt(pid, started, HostOs.SIGTERM)).isFalse();
	}

	@Test
	void drainFifoReleasesAWriterWaitingInItsOpenAndReadsUntilItCloses() throws Exception {
		Path fifo = this.dir.resolve("exec.fifo");
		this.os.mknod(fifo, HostOs.S_IFIFO | 0600, 0, 0);
		Process writer = new ProcessBuilder("sh", "-c", "printf 0 > \"$1\"; sleep 1", "sh", fifo.toString())
			.start();

		byte[] read = this.os.drainFifo(fifo, java.time.Duration.ofMillis(20), writer::isAlive);

		// the writer's close ends it (its process lives on), as the container init's exec does for runc start
		assertThat(new String(read, StandardCharsets.US_ASCII)).isEqualTo("0");
		writer.destroy();
	}

	@Test
	void drainFifoGivesUpWhenNoWriterCanCome() throws Exception {
		Path fifo = this.dir.resolve("lonely.fifo");
		this.os.mknod(fifo, HostOs.S_IFIFO | 0600, 0, 0);
		int[] asked = { 0 };

		byte[] read = this.os.drainFifo(fifo, java.time.Duration.ofMillis(5), () -> ++asked[0] < 3);

		assertThat(read).isEmpty();
		assertThat(asked[0]).isEqualTo(3);
	}

}
