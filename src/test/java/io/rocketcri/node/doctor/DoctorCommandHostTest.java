package io.rocketcri.node.doctor;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The preflight on this very host: what a broken CNI config looks like, and a good one. */
@Tag("host")
class DoctorCommandHostTest {

	@TempDir
	Path dir;

	@Test
	void missingCniConfigFailsWithTheFix() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int code = DoctorCommand.run(args(dir.resolve("no-cni")), new PrintStream(out, true, StandardCharsets.UTF_8));
		String text = out.toString(StandardCharsets.UTF_8);
		assertThat(code).isEqualTo(1);
		assertThat(text).contains("FAIL  CNI").contains("fix: drop a network config list into " + dir.resolve("no-cni"));
		assertThat(text).contains("OK    runc").contains("OK    conmon").contains("cannot run pods yet");
	}

	@Test
	void aGoodNodePasses() throws Exception {
		Path cni = Files.createDirectories(dir.resolve("cni"));
		Files.writeString(cni.resolve("10-ok.conflist"), """
				{"cniVersion": "1.0.0", "name": "ok", "plugins": [{"type": "bridge"}, {"type": "portmap"}]}""");
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int code = DoctorCommand.run(args(cni), new PrintStream(out, true, StandardCharsets.UTF_8));
		String text = out.toString(StandardCharsets.UTF_8);
		assertThat(text).contains("OK    CNI").contains("10-ok.conflist").doesNotContain("FAIL");
		assertThat(code).isZero();
	}

	@Test
	void aBrokenFileBeforeTheOneInUseIsAWarningNamingIt() throws Exception {
		Path cni = Files.createDirectories(dir.resolve("cni-skipped"));
		Files.writeString(cni.resolve("05-typo.conflist"), "{\"cniVersion\": \"1.0.0\", \"name\": ");
		Files.writeString(cni.resolve("10-ok.conflist"), """
				{"cniVersion": "1.0.0", "name": "ok", "plugins": [{"type": "bridge"}, {"type": "portmap"}]}""");
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int code = DoctorCommand.run(args(cni), new PrintStream(out, true, StandardCharsets.UTF_8));
		String text = out.toString(StandardCharsets.UTF_8);
		assertThat(text).contains("WARN  CNI").contains("10-ok.conflist").contains("skipped: 05-typo.conflist")
			.contains("fix or remove the skipped files");
		assertThat(code).as("the node still runs pods on the usable file").isZero();
	}

	@Test
	void brokenRegistriesFileIsNamed() throws Exception {
		Path conf = dir.resolve("registries.conf");
		Files.writeString(conf, "[[registry]\nlocation = \n");
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		String[] args = { "--rocket.root=" + dir.resolve("root"), "--rocket.state=" + dir.resolve("state"),
				"--rocket.network.cni-config-dir=" + dir, "--rocket.image.registries-config=" + conf,
				"--rocket.cri.socket=unix://" + dir.resolve("s.sock"), "--server.port=0" };
		DoctorCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8));
		assertThat(out.toString(StandardCharsets.UTF_8)).contains("FAIL  registries").contains(conf.toString());
	}

	private String[] args(Path cniDir) {
		return new String[] { "--rocket.root=" + dir.resolve("root"), "--rocket.state=" + dir.resolve("state"),
				"--rocket.network.cni-config-dir=" + cniDir, "--rocket.image.registries-config=" + dir.resolve("none.conf"),
				"--rocket.cri.socket=unix://" + dir.resolve("s.sock"), "--server.port=0" };
	}

}
