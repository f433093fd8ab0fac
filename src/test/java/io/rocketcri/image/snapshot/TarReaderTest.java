package io.rocketcri.image.snapshot;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.rocketcri.engine.LinuxHostOs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TarReaderTest {

	@TempDir
	Path temp;

	@Test
	void globalPaxRecordsApplyToEveryLaterMember() throws IOException {
		byte[] tar = new TestLayer().file("before", "b")
			.globalPax("SCHILY.xattr.user.global", "g")
			.file("one", "1")
			.file("two", "2")
			.tar();

		List<TarEntry> entries = read(tar);

		assertThat(entries).extracting(TarEntry::name).containsExactly("before", "one", "two");
		assertThat(entries.get(0).xattrs()).isEmpty();
		assertThat(entries.get(1).xattrs()).containsOnlyKeys("user.global");
		assertThat(entries.get(2).xattrs()).containsOnlyKeys("user.global");
	}

	@Test
	void localPaxOverridesHeaderFields() throws IOException {
		byte[] tar = new TestLayer()
			.rawPax(TestLayer.records("path", "from/pax", "uid", "4000000000", "mtime", "1577934245.123456789"))
			.file("short", "x")
			.tar();

		TarEntry entry = read(tar).getFirst();

		assertThat(entry.name()).isEqualTo("from/pax");
		assertThat(Integer.toUnsignedLong(entry.uid())).isEqualTo(4_000_000_000L);
		assertThat(entry.mtimeEpochNanos()).isEqualTo(1_577_934_245_123_456_789L);
	}

	@Test
	void base256NumbersAreDecoded() throws IOException {
		byte[] header = new byte[TarReader.BLOCK];
		header[108] = (byte) 0x80;
		header[113] = 0x01;
		header[114] = 0x02;
		header[115] = 0x03;

		assertThat(TarReader.number(header, 108, 8, "uid", 0)).isEqualTo(0x010203L);
	}

	@Test
	void sparseMembersAreRefused() {
		byte[] tar = new TestLayer().rawPax(TestLayer.records("GNU.sparse.major", "1", "GNU.sparse.minor", "0"))
			.file("sparse", "x")
			.tar();

		assertThatThrownBy(() -> read(tar)).isInstanceOf(IOException.class).hasMessageContaining("sparse");
	}

	@Test
	void hugeExtendedHeadersAreRefused() {
		byte[] tar = new TestLayer().rawPax(TestLayer.records("comment", "x".repeat(2 << 20))).file("f", "x").tar();

		assertThatThrownBy(() -> read(tar)).isInstanceOf(IOException.class).hasMessageContaining("too large");
	}

	@Test
	@Tag("host")
	void readsGnuTarPaxArchivesWithBinaryXattrs() throws Exception {
		assumeTrue(Files.isExecutable(Path.of("/usr/bin/tar")), "GNU tar");
		Path dir = Files.createDirectory(this.temp.resolve("src"));
		Path file = Files.writeString(dir.resolve("f"), "hello");
		byte[] value = { (byte) 0xff, 0, (byte) 0x80, (byte) 0xc3, 0x41 };
		new LinuxHostOs().lsetxattr(file, "user.bin", value);
		Path archive = this.temp.resolve("t.tar");
		Process tar = new ProcessBuilder("tar", "--xattrs", "--xattrs-include=*", "--format=pax", "-cf",
				archive.toString(), "-C", dir.toString(), "f").redirectErrorStream(true).start();
		assertThat(tar.waitFor()).as(new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
			.isZero();

		TarEntry entry = read(Files.readAllBytes(archive)).getFirst();

		assertThat(entry.name()).isEqualTo("f");
		assertThat(entry.xattrs().get("user.bin")).containsExactly(value);
	}

	private static List<TarEntry> read(byte[] tar) throws IOException {
		TarReader reader = new TarReader(new ByteArrayInputStream(tar));
		List<TarEntry> entries = new ArrayList<>();
		TarEntry entry;
		while ((entry = reader.next()) != null) {
			entries.add(entry);
		}
		return entries;
	}

}
