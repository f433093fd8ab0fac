package io.rocketcri.image.snapshot;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import io.rocketcri.engine.HostOs;
import io.rocketcri.engine.LinuxHostOs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Layer application against the real kernel: needs root (mknod, chown, trusted.* and
 * security.* xattrs, mount) and a file system with xattrs.
 */
@Tag("host")
class LayerUnpackerHostTest {

	/** VFS_CAP_REVISION_2 with the effective bit; permitted = CAP_SETUID (bit 7, byte 0x80). */
	private static final byte[] CAP_SETUID_EP = { 0x01, 0, 0, 0x02, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			0, 0, 0 };

	@TempDir
	Path temp;

	private final HostOs hostOs = new LinuxHostOs();

	private final LayerUnpacker unpacker = new LayerUnpacker(this.hostOs);

	@Test
	void whiteoutIsACharacterDeviceZeroZeroAndOpaqueIsATrustedXattr() throws IOException {
		byte[] tar = new TestLayer().dir("etc").file("etc/.wh.motd", "").file("opt/.wh..wh..opq", "").tar();
		Path layer = Files.createDirectory(this.temp.resolve("layer"));

		this.unpacker.unpack(new ByteArrayInputStream(tar), layer);

		Path whiteout = layer.resolve("etc/motd");
		assertThat((int) Files.getAttribute(whiteout, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000)
			.isEqualTo(HostOs.S_IFCHR);
		assertThat((long) Files.getAttribute(whiteout, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).isZero();
		assertThat(this.hostOs.lgetxattr(layer.resolve("opt"), "trusted.overlay.opaque")).containsExactly('y');
		assertThat(layer.resolve("etc/.wh.motd")).doesNotExist();
		assertThat(layer.resolve("opt/.wh..wh..opq")).doesNotExist();
	}

	@Test
	void ownersSetuidCapabilitiesAndDevicesAreReal() throws IOException {
		byte[] tar = new TestLayer()
			.file("usr/bin/sudo", "sudo".getBytes(StandardCharsets.UTF_8), (e) -> {
				e.setMode(04755);
				e.setUserId(1234);
				e.setGroupId(1235);
			})
			.rawPax(TestLayer.records("SCHILY.xattr.security.capability", CAP_SETUID_EP, "SCHILY.xattr.user.foo",
					"bar"))
			.file("usr/bin/ping", "ping")
			.symlink("usr/bin/link", "sudo")
			.put(new org.apache.commons.compress.archivers.tar.TarArchiveEntry("owned-link",
					org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK, true), null, (e) -> {
						e.setLinkName("usr/bin/sudo");
						e.setUserId(1234);
						e.setGroupId(1234);
					})
			.charDevice("dev/null", 1, 3)
			.tar();
		Path layer = Files.createDirectory(this.temp.resolve("layer"));

		this.unpacker.unpack(new ByteArrayInputStream(tar), layer);

		Path sudo = layer.resolve("usr/bin/sudo");
		assertThat(Files.getAttribute(sudo, "unix:uid")).isEqualTo(1234);
		assertThat(Files.getAttribute(sudo, "unix:gid")).isEqualTo(1235);
		assertThat((int) Files.getAttribute(sudo, "unix:mode") & 07777).isEqualTo(04755);
		Path ping = layer.resolve("usr/bin/ping");
		assertThat(this.hostOs.lgetxattr(ping, "security.capability")).containsExactly(CAP_SETUID_EP);
		assertThat(this.hostOs.lgetxattr(ping, "user.foo")).containsExactly('b', 'a', 'r');
		Path ownedLink = layer.resolve("owned-link");
		assertThat(Files.getAttribute(ownedLink, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(1234);
		assertThat(Files.readSymbolicLink(layer.resolve("usr/bin/link"))).isEqualTo(Path.of("sudo"));
		Path devNull = layer.resolve("dev/null");
		assertThat((int) Files.getAttribute(devNull, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000)
			.isEqualTo(HostOs.S_IFCHR);
		assertThat((long) Files.getAttribute(devNull, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0x103L);
	}

	@Test
	void overlayOfTwoUnpackedLayersHonoursWhiteoutsAndOpaqueDirectories() throws IOException {
		byte[] base = new TestLayer().dir("app")
			.file("app/a", "a")
			.file("app/b", "b")
			.file("gone", "gone")
			.file("keep", "keep")
			.dir("data")
			.file("data/old", "old")
			.tar();
		byte[] top = new TestLayer().file(".wh.gone", "")
			.dir("app")
			.file("app/.wh..wh..opq", "")
			.file("app/c", "c")
			.file("data/new", "new")
			.tar();
		Path lower1 = Files.createDirectory(this.temp.resolve("lower1"));
		Path lower2 = Files.createDirectory(this.temp.resolve("lower2"));
		this.unpacker.unpack(new ByteArrayInputStream(TestLayer.gzip(base)), lower1);
		this.unpacker.unpack(new ByteArrayInputStream(TestLayer.zstd(top)), lower2);
		Path upper = Files.createDirectory(this.temp.resolve("upper"));
		Path work = Files.createDirectory(this.temp.resolve("work"));
		Path merged = Files.createDirectory(this.temp.resolve("merged"));

		// lowerdir lists the top layer first.
		this.hostOs.mount("overlay", merged, "overlay", 0,
				"lowerdir=" + lower2 + ":" + lower1 + ",upperdir=" + upper + ",workdir=" + work);
		try {
			assertThat(merged.resolve("gone")).doesNotExist();
			assertThat(merged.resolve("keep")).hasContent("keep");
			assertThat(merged.resolve("app/a")).doesNotExist();
			assertThat(merged.resolve("app/b")).doesNotExist();
			assertThat(merged.resolve("app/c")).hasContent("c");
			assertThat(merged.resolve("data/old")).hasContent("old");
			assertThat(merged.resolve("data/new")).hasContent("new");
			try (var names = Files.list(merged.resolve("app"))) {
				assertThat(names.map((p) -> p.getFileName().toString())).containsExactly("c");
			}
		}
		finally {
			this.hostOs.unmount(merged, 0);
		}
		assertThat(merged.resolve("keep")).doesNotExist();
	}

}
