package io.rocketcri.image.snapshot;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.function.UnaryOperator;

import io.rocketcri.engine.FakeHostOs;
import io.rocketcri.engine.HostOs;
import io.rocketcri.engine.HostOsException;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Layer application against {@link FakeHostOs}: runs without root. What only the kernel can show
 * (device nodes, trusted xattrs, real owners, overlay mounts) is in {@link LayerUnpackerHostTest}.
 */
class LayerUnpackerTest {

	@TempDir
	Path temp;

	private final FakeHostOs hostOs = new FakeHostOs();

	private final LayerUnpacker unpacker = new LayerUnpacker(this.hostOs);

	enum Compression {

		PLAIN(UnaryOperator.identity()), GZIP(TestLayer::gzip), ZSTD(TestLayer::zstd);

		final UnaryOperator<byte[]> compress;

		Compression(UnaryOperator<byte[]> compress) {
			this.compress = compress;
		}

	}

	@ParameterizedTest
	@EnumSource(Compression.class)
	void detectsCompressionByMagicAndDigestsThePlainTar(Compression compression) throws IOException {
		byte[] tar = new TestLayer().dir("etc").file("etc/hostname", "pod\n").tar();
		Path target = target();

		UnpackResult result = this.unpacker.unpack(new ByteArrayInputStream(compression.compress.apply(tar)), target);

		assertThat(result.diffId()).isEqualTo(TestLayer.sha256(tar));
		assertThat(result.uncompressedSize()).isEqualTo(tar.length);
		assertThat(result.entries()).isEqualTo(2);
		assertThat(target.resolve("etc/hostname")).hasContent("pod");
	}

	@Test
	void diffIdCoversBytesAfterTheEndOfArchiveMarker() throws IOException {
		byte[] tar = new TestLayer().file("a", "a").tar();
		byte[] padded = Arrays.copyOf(tar, tar.length + 10240);

		UnpackResult result = this.unpacker.unpack(new ByteArrayInputStream(TestLayer.gzip(padded)), target());

		assertThat(result.diffId()).isEqualTo(TestLayer.sha256(padded)).isNotEqualTo(TestLayer.sha256(tar));
		assertThat(result.uncompressedSize()).isEqualTo(padded.length);
	}

	@Test
	void doesNotCloseTheCallersStream() throws IOException {
		boolean[] closed = { false };
		InputStream blob = new ByteArrayInputStream(TestLayer.zstd(new TestLayer().file("a", "a").tar())) {
			@Override
			public void close() {
				closed[0] = true;
			}
		};

		this.unpacker.unpack(blob, target());

		assertThat(closed[0]).isFalse();
	}

	@Test
	void keepsFilesDirectoriesSymlinksHardLinksModesAndTimes() throws IOException {
		byte[] tar = new TestLayer().dir("usr/bin")
			.file("usr/bin/su", "su".getBytes(StandardCharsets.UTF_8), (e) -> e.setMode(04755))
			.dir("tmp", (e) -> e.setMode(01777))
			.hardlink("usr/bin/su2", "usr/bin/su")
			.symlink("bin", "usr/bin")
			.symlink("dangling", "../does/not/exist/")
			.tar();
		Path target = target();

		this.unpacker.unpack(new ByteArrayInputStream(tar), target);

		Path su = target.resolve("usr/bin/su");
		assertThat(mode(su)).isEqualTo(0104755);
		assertThat(mode(target.resolve("tmp"))).isEqualTo(041777);
		assertThat(Files.getAttribute(target.resolve("usr/bin/su2"), "unix:ino"))
			.isEqualTo(Files.getAttribute(su, "unix:ino"));
		assertThat(Files.getAttribute(su, "unix:nlink")).isEqualTo(2);
		assertThat(Files.readSymbolicLink(target.resolve("bin"))).isEqualTo(Path.of("usr/bin"));
		assertThat(Files.isSymbolicLink(target.resolve("dangling"))).isTrue();
		assertThat(Files.getLastModifiedTime(su).toInstant()).isEqualTo(TestLayer.MTIME);
		// set after su and su2 were written into it
		assertThat(Files.getLastModifiedTime(target.resolve("usr/bin")).toInstant()).isEqualTo(TestLayer.MTIME);
		assertThat(Files.getLastModifiedTime(target.resolve("bin"), LinkOption.NOFOLLOW_LINKS).toInstant())
			.isEqualTo(TestLayer.MTIME);
	}

	@Test
	void chownsEveryEntryNumericallyIncludingLinks() throws IOException {
		byte[] tar = new TestLayer().file("f", "x".getBytes(StandardCharsets.UTF_8), (e) -> {
			e.setUserId(1234);
			e.setGroupId(5678);
			e.setUserName("nobody-here");
		}).symlink("l", "f").tar();
		Path target = target();

		this.unpacker.unpack(new ByteArrayInputStream(tar), target);

		assertThat(this.hostOs.owner(target.resolve("f"))).isEqualTo(new FakeHostOs.Owner(1234, 5678));
		assertThat(this.hostOs.owner(target.resolve("l"))).isEqualTo(new FakeHostOs.Owner(0, 0));
		// chown strips set-user-ID and capabilities, so it must come first
		assertThat(this.hostOs.calls()).containsSubsequence("lchown " + target.resolve("f"),
				"utimensat " + target.resolve("f"));
	}

	@Test
	void idsBeyondOctalFieldsViaPaxAndBase256() throws IOException {
		byte[] pax = new TestLayer().file("p", "x".getBytes(StandardCharsets.UTF_8), (e) -> {
			e.setUserId(3_000_000_000L);
			e.setGroupId(70_000_000);
		}).tar();
		byte[] star = new TestLayer(TarArchiveOutputStream.LONGFILE_GNU, TarArchiveOutputStream.BIGNUMBER_STAR)
			.file("s", "x".getBytes(StandardCharsets.UTF_8), (e) -> e.setUserId(70_000_000))
			.tar();
		Path one = target();
		Path two = Files.createDirectory(this.temp.resolve("two"));

		this.unpacker.unpack(new ByteArrayInputStream(pax), one);
		this.unpacker.unpack(new ByteArrayInputStream(star), two);

		assertThat(this.hostOs.owner(one.resolve("p"))).isEqualTo(new FakeHostOs.Owner((int) 3_000_000_000L, 70_000_000));
		assertThat(this.hostOs.owner(two.resolve("s")).uid()).isEqualTo(70_000_000);
	}

	@Test
	void binaryXattrsFromPaxSurviveByteForByte() throws IOException {
		// VFS_CAP_REVISION_2 | effective, permitted = CAP_SETUID (bit 7 -> byte 0x80)
		byte[] capability = { 0x01, 0, 0, 0x02, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
		byte[] tar = new TestLayer()
			.rawPax(TestLayer.records("SCHILY.xattr.security.capability", capability, "SCHILY.xattr.user.foo",
					new byte[] { (byte) 0xff, 0, (byte) 0xc3 }))
			.file("bin/ping", "ping")
			.file("plain", "p".getBytes(StandardCharsets.UTF_8),
					(e) -> e.addPaxHeader("SCHILY.xattr.user.mime_type", "text/plain"))
			.tar();
		Path target = target();

		this.unpacker.unpack(new ByteArrayInputStream(tar), target);

		assertThat(this.hostOs.xattrs(target.resolve("bin/ping"))).containsOnlyKeys("security.capability", "user.foo");
		assertThat(this.hostOs.xattrs(target.resolve("bin/ping")).get("security.capability")).containsExactly(capability);
		assertThat(this.hostOs.xattrs(target.resolve("bin/ping")).get("user.foo"))
			.containsExactly((byte) 0xff, 0, (byte) 0xc3);
		assertThat(new String(this.hostOs.xattrs(target.resolve("plain")).get("user.mime_type"), StandardCharsets.UTF_8))
			.isEqualTo("text/plain");
		assertThat(this.hostOs.calls()).containsSubsequence("lchown " + target.resolve("bin/ping"),
				"lsetxattr " + target.resolve("bin/ping"));
	}

	@Test
	void whiteoutsBecomeCharDevicesAndOpaqueMarkersAnXattr() throws IOException {
		byte[] tar = new TestLayer().dir("etc")
			.file("etc/.wh.passwd", "")
			.file("var/cache/.wh..wh..opq", "")
			.file(".wh.root-file", "")
			.tar();
		Path target = target();

		UnpackResult result = this.unpacker.unpack(new ByteArrayInputStream(tar), target);

		FakeHostOs.Device whiteout = this.hostOs.device(target.resolve("etc/passwd"));
		assertThat(whiteout).isEqualTo(new FakeHostOs.Device(HostOs.S_IFCHR, 0, 0));
		assertThat(this.hostOs.device(target.resolve("root-file")).isCharDevice()).isTrue();
		assertThat(target.resolve("var/cache")).isDirectory();
		assertThat(this.hostOs.xattrs(target.resolve("var/cache")).get("trusted.overlay.opaque"))
			.containsExactly((byte) 'y');
		try (var files = Files.walk(target)) {
			assertThat(files.map(Path::getFileName).map(Path::toString)).noneMatch((name) -> name.startsWith(".wh."));
		}
		assertThat(result.entries()).isEqualTo(4);
	}

	@ParameterizedTest
	@ValueSource(strings = { ".wh.", "dir/.wh.", "dir/.wh..." })
	void whiteoutWithoutANameIsRejected(String name) {
		byte[] tar = new TestLayer().file(name, "").tar();

		assertThatThrownBy(() -> this.unpacker.unpack(new ByteArrayInputStream(tar), target()))
			.isInstanceOf(IOException.class)
			.hasMessageContaining("'" + name + "'")
			.hasMessageContaining("names no file");
	}

	@ParameterizedTest
	@ValueSource(strings = { "../evil", "a/../../evil", "./../evil" })
	void pathsClimbingOutOfTheLayerAreRejected(String name) throws IOException {
		byte[] tar = new TestLayer().file(name, "pwned").tar();
		Path target = target();

		assertThatThrownBy(() -> this.unpacker.unpack(new ByteArrayInputStream(tar), target))
			.isInstanceOf(IOException.class)
			.hasMessageContaining("escapes the layer root");
		assertThat(this.temp.resolve("evil")).doesNotExist();
	}

	@Test
	void absoluteAndDottedNamesLandInsideTheLayer() throws IOException {
		byte[] tar = new TestLayer().file("/abs/file", "a").file("./x/../y/./z", "z").tar();
		Path target = target();

		this.unpacker.unpack(new ByteArrayInputStream(tar), target);

		assertThat(target.resolve("abs/file")).hasContent("a");
		assertThat(target.resolve("y/z")).hasContent("z");
	}

	@Test
	void neverWritesThroughASymlinkTheLayerPlanted() throws IOException {
		Path outside = Files.createDirectory(this.temp.resolve("etc"));
		byte[] tar = new TestLayer().symlink("link", outside.toString()).file("link/passwd", "root::0:0").tar();
		Path target = target();

		assertThatThrownBy(() -> this.unpacker.unpack(new ByteArrayInputStream(tar), target))
			.isInstanceOf(IOException.class)
			.hasMessageContaining("'link/passwd'")
			.hasMessageContaining("symbolic link");
		assertThat(outside.resolve("passwd")).doesNotExist();
	}

	@Test
	void relativeSymlinkEscapeIsAlsoRefused() throws IOException {
		byte[] tar = new TestLayer().dir("a").symlink("a/up", "../..").file("a/up/escaped", "x").tar();

		assertThatThrownBy(() -> this.unpacker.unpack(new ByteArrayInputStream(tar), target()))
			.isInstanceOf(IOException.class)
			.hasMessageContaining("symbolic link");
		assertThat(this.temp.resolve("escaped")).doesNotExist();
	}

	@Test
	void aFileReplacingASymlinkReplacesTheLinkNotItsTarget() throws IOException {
		Path victim = Files.writeString(this.temp.resolve("victim"), "original");
		byte[] tar = new TestLayer().symlink("f", victim.toString()).file("f", "replaced").tar();
		Path target = target();

		this.unpacker.unpack(new ByteArrayInputStream(tar), target);

		assertThat(victim).hasContent("original");
		assertThat(Files.isSymbolicLink(target.resolve("f"))).isFalse();
		assertThat(target.resolve("f")).hasContent("replaced");
	}

	@Test
	void hardLinksMustPointInsideTheLayerWithoutSymlinks() throws IOException {
		Path secret = Files.writeString(this.temp.resolve("secret"), "s");
		byte[] viaDotDot = new TestLayer().hardlink("h", "../secret").tar();
		byte[] viaSymlink = new TestLayer().symlink("l", this.temp.toString()).hardlink("h", "l/secret").tar();
		byte[] toMissing = new TestLayer().hardlink("h", "nowhere").tar();

		assertThatThrownBy(() -> this.unpacker.unpack(new ByteArrayInputStream(viaDotDot), target()))
			.hasMessageContaining("escapes the layer root");
		assertThatThrownBy(() -> this.unpacker.unpack(new ByteArrayInputStream(viaSymlink), target("b")))
			.hasMessageContaining("symbolic link");
		assertThatThrownBy(() -> this.unpacker.unpack(new ByteArrayInputStream(toMissing), target("c")))
			.hasMessageContaining("not in this layer");
		assertThat(Files.getAttribute(secret, "unix:nlink")).isEqualTo(1);
	}

	@Test
	void laterEntriesReplaceEarlierOnes() throws IOException {
		byte[] tar = new TestLayer().file("a", "file")
			.dir("a")
			.file("a/child", "c")
			.dir("b")
			.file("b/old", "o")
			.file("b", "now a file")
			.dir("c")
			.file("c/kept", "k")
			.dir("c", (e) -> e.setMode(0700))
			.file("d", "one")
			.hardlink("d2", "d")
			.file("d", "two")
			.tar();
		Path target = target();

		this.unpacker.unpack(new ByteArrayInputStream(tar), target);

		assertThat(target.resolve("a/child")).hasContent("c");
		assertThat(target.resolve("b")).isRegularFile().hasContent("now a file");
		assertThat(target.resolve("c/kept")).hasContent("k");
		assertThat(mode(target.resolve("c")) & 07777).isEqualTo(0700);
		// replacing d must not write through its other name
		assertThat(target.resolve("d")).hasContent("two");
		assertThat(target.resolve("d2")).hasContent("one");
	}

	@Test
	void devicesAndFifosGoThroughMknod() throws IOException {
		byte[] tar = new TestLayer().charDevice("dev/null", 1, 3).fifo("run/pipe").tar();
		Path target = target();

		this.unpacker.unpack(new ByteArrayInputStream(tar), target);

		assertThat(this.hostOs.device(target.resolve("dev/null")))
			.isEqualTo(new FakeHostOs.Device(HostOs.S_IFCHR | 0666, 1, 3));
		assertThat(this.hostOs.device(target.resolve("run/pipe")).mode() & 0170000).isEqualTo(HostOs.S_IFIFO);
	}

	@ParameterizedTest
	@ValueSource(ints = { TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU })
	void longNamesAndLongLinkTargets(int longFileMode) throws IOException {
		String deep = "d".repeat(120) + "/" + "e".repeat(120) + "/" + "f".repeat(120);
		String linkTarget = "/" + "t".repeat(200);
		byte[] tar = new TestLayer(longFileMode, TarArchiveOutputStream.BIGNUMBER_POSIX).file(deep + "/file", "deep")
			.symlink("s", linkTarget)
			.hardlink("h", deep + "/file")
			.file("ünïcødé-名前", "u")
			.tar();
		Path target = target();

		this.unpacker.unpack(new ByteArrayInputStream(tar), target);

		assertThat(target.resolve(deep + "/file")).hasContent("deep");
		assertThat(Files.readSymbolicLink(target.resolve("s")).toString()).isEqualTo(linkTarget);
		assertThat(target.resolve("h")).hasContent("deep");
		assertThat(target.resolve("ünïcødé-名前")).hasContent("u");
	}

	@Test
	void largeFilesAreStreamedIntact() throws Exception {
		byte[] big = new byte[9 * 1024 * 1024 + 7];
		new Random(42).nextBytes(big);
		byte[] tar = new TestLayer().file("big.bin", big, (e) -> {
		}).file("after", "after").tar();
		Path target = target();

		this.unpacker.unpack(new ByteArrayInputStream(TestLayer.zstd(tar)), target);

		MessageDigest sha = MessageDigest.getInstance("SHA-256");
		assertThat(sha.digest(Files.readAllBytes(target.resolve("big.bin"))))
			.isEqualTo(MessageDigest.getInstance("SHA-256").digest(big));
		assertThat(target.resolve("after")).hasContent("after");
	}

	@Test
	void aFailingSyscallNamesTheEntry() throws IOException {
		Path target = target();
		this.hostOs.failWhen("lchown", target.resolve("etc/shadow"), HostOsException.EPERM);
		byte[] tar = new TestLayer().file("etc/shadow", "x").tar();

		assertThatThrownBy(() -> this.unpacker.unpack(new ByteArrayInputStream(tar), target))
			.isInstanceOf(IOException.class)
			.hasMessageStartingWith("applying layer entry 'etc/shadow': lchown ")
			.hasCauseInstanceOf(HostOsException.class);
	}

	@Test
	void garbageIsNotATar() {
		byte[] garbage = "this is not a tar archive, only some text that is long enough".repeat(20)
			.getBytes(StandardCharsets.US_ASCII);

		assertThatThrownBy(() -> this.unpacker.unpack(new ByteArrayInputStream(garbage), target()))
			.isInstanceOf(IOException.class)
			.hasMessageContaining("checksum");
	}

	@Test
	void truncatedContentIsAnError() {
		byte[] tar = new TestLayer().file("f", new byte[4096], (e) -> {
		}).tar();
		byte[] truncated = Arrays.copyOf(tar, 512 + 1000);

		assertThatThrownBy(() -> this.unpacker.unpack(new ByteArrayInputStream(truncated), target()))
			.isInstanceOf(IOException.class)
			.hasMessageContaining("truncated");
	}

	private Path target() throws IOException {
		return target("layer");
	}

	private Path target(String name) throws IOException {
		return Files.createDirectory(this.temp.resolve(name));
	}

	private static int mode(Path path) throws IOException {
		return (int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
	}

}
