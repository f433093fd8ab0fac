package io.rocketcri.image.archive;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.rocketcri.testsupport.LayerBuilder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code images import|export}: works on the store of a stopped runtime, refuses while one runs
 * (its socket answers, or another process holds the database's file lock).
 */
class ImagesCommandTest {

	@TempDir
	Path temp;

	final ByteArrayOutputStream out = new ByteArrayOutputStream();

	final ByteArrayOutputStream err = new ByteArrayOutputStream();

	int run(String... args) {
		return ImagesCommand.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(this.out, true),
				new PrintStream(this.err, true));
	}

	String[] withRoot(String... args) {
		String[] all = java.util.Arrays.copyOf(args, args.length + 2);
		all[args.length] = "--rocket.root=" + this.temp.resolve("root");
		all[args.length + 1] = "--rocket.cri.socket=unix://" + this.temp.resolve("cri.sock");
		return all;
	}

	@Test
	void wrongArgumentsPrintUsage() {
		assertThat(run("import")).isEqualTo(2);
		assertThat(this.err.toString()).contains("usage: rocket-cri images import FILE");
	}

	@Test
	void refusesWhileTheCriSocketAnswers() throws Exception {
		Path aci = this.temp.resolve("app.aci");
		Files.write(aci, ArchiveFixtures.aci(ArchiveFixtures.aciManifest("example.com/app", "1", null),
				LayerBuilder.create().file("etc/motd", "hi\n")));
		try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			server.bind(UnixDomainSocketAddress.of(this.temp.resolve("cri.sock")));

			assertThat(run(withRoot("import", aci.toString()))).isEqualTo(1);
		}
		assertThat(this.err.toString()).contains("rocket-cri is running").contains("Stop it");
		assertThat(this.out.toString()).doesNotContain("imported");
	}

	@Test
	void refusesWhileAnotherProcessHoldsTheDatabase() throws Exception {
		Path db = this.temp.resolve("root/db/rocket-cri");
		Files.createDirectories(db.getParent());
		String h2 = Path.of(org.h2.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
		Process holder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp", h2,
				"org.h2.tools.Shell", "-url", "jdbc:h2:file:" + db, "-user", "sa", "-password", "")
			.redirectErrorStream(true)
			.start();
		try {
			// the shell has the database open (and its file locked) once it prompts for SQL
			StringBuilder seen = new StringBuilder();
			int c;
			while (!seen.toString().contains("sql>") && (c = holder.getInputStream().read()) >= 0) {
				seen.append((char) c);
			}
			assertThat(seen.toString()).contains("sql>");

			assertThat(run(withRoot("export", "example.com/app:1", this.temp.resolve("x.tar").toString()))).isEqualTo(1);

			assertThat(this.err.toString()).contains("rocket-cri is running (its database is locked)");
			assertThat(this.temp.resolve("x.tar")).doesNotExist();
		}
		finally {
			holder.getOutputStream().write("quit\n".getBytes(StandardCharsets.US_ASCII));
			holder.getOutputStream().flush();
			if (!holder.waitFor(10, TimeUnit.SECONDS)) {
				holder.destroyForcibly();
			}
		}
	}

	/** Real layer unpacking (ownership, device nodes): root only. */
	@Test
	@Tag("host")
	void importsThenExportsOnAStoppedNode() throws Exception {
		Path aci = this.temp.resolve("app.aci");
		Files.write(aci, ArchiveFixtures.aci(ArchiveFixtures.aciManifest("example.com/app", "1", null),
				LayerBuilder.create().file("etc/motd", "hi\n")));

		assertThat(run(withRoot("import", aci.toString()))).as(this.err.toString()).isZero();
		assertThat(this.out.toString()).contains("imported sha256:").contains("example.com/app:1");
		Path exported = this.temp.resolve("out/app.tar");
		Files.createDirectories(exported.getParent());
		assertThat(run(withRoot("export", "example.com/app:1", exported.toString()))).as(this.err.toString()).isZero();
		assertThat(exported).isNotEmptyFile();
		try (var left = Files.list(exported.getParent())) {
			assertThat(left).containsExactly(exported);
		}
	}

}
