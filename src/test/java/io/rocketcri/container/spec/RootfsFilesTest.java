package io.rocketcri.container.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RootfsFilesTest {

	@TempDir
	Path temp;

	private Path root;

	private RootfsFiles files;

	@BeforeEach
	void layout() throws IOException {
		// temp/secret is outside; temp/root is the rootfs.
		Files.writeString(this.temp.resolve("secret"), "host secret");
		this.root = Files.createDirectories(this.temp.resolve("root"));
		Files.createDirectories(this.root.resolve("etc"));
		Files.createDirectories(this.root.resolve("data"));
		Files.writeString(this.root.resolve("data/real"), "inside");
		Files.writeString(this.root.resolve("secret"), "rootfs secret");
		Files.createSymbolicLink(this.root.resolve("etc/abs"), Path.of("/data/real"));
		Files.createSymbolicLink(this.root.resolve("etc/rel"), Path.of("../data/real"));
		Files.createSymbolicLink(this.root.resolve("etc/up"), Path.of("../../../../secret"));
		Files.createSymbolicLink(this.root.resolve("etc/hostabs"), this.temp.resolve("secret"));
		Files.createSymbolicLink(this.root.resolve("linkdir"), Path.of("/data"));
		Files.createSymbolicLink(this.root.resolve("etc/loop1"), Path.of("loop2"));
		Files.createSymbolicLink(this.root.resolve("etc/loop2"), Path.of("loop1"));
	}

	@ParameterizedTest
	@CsvSource(nullValues = "null", value = { "/data/real, inside", "/etc/abs, inside", "/etc/rel, inside",
			"/etc/up, rootfs secret", "/linkdir/real, inside", "/linkdir/../secret, rootfs secret",
			"/../../secret, rootfs secret", "/etc/loop1, null", "/missing, null", "/data, null",
			"/data/real/x, null" })
	void linksResolveInsideTheRootfs(String path, String expected) throws IOException {
		assertThat(this.files().readText(path)).isEqualTo(Optional.ofNullable(expected));
	}

	@Test
	void anAbsoluteLinkToAHostPathIsReadAsThatPathInsideTheRootfs() throws IOException {
		// temp/secret exists on the host; inside the rootfs the same path does not.
		assertThat(this.files().readText("/etc/hostabs")).isEmpty();
	}

	private RootfsFiles files() {
		if (this.files == null) {
			this.files = new RootfsFiles(this.root);
		}
		return this.files;
	}

}
