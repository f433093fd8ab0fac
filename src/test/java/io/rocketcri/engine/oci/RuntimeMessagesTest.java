package io.rocketcri.engine.oci;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class RuntimeMessagesTest {

	@TempDir
	Path dir;

	@Test
	void logrusLinesAreReducedToTheirMessage() {
		String stderr = """
				time="2026-11-28T19:22:43Z" level=error msg="container \\"3f2a\\" does not exist"
				time="2026-11-28T19:22:43Z" level=error msg="container \\"3f2a\\" does not exist"
				plain line
				""";

		assertThat(RuntimeMessages.fromStderr(stderr)).isEqualTo("container \"3f2a\" does not exist; plain line");
	}

	@Test
	void theJsonLogGivesErrorsWrittenSinceAnOffset() throws Exception {
		Path log = this.dir.resolve("runc.log");
		String old = "{\"level\":\"error\",\"msg\":\"an earlier failure\",\"time\":\"2026-11-28T19:22:43Z\"}\n";
		Files.writeString(log, old
				+ "{\"level\":\"warning\",\"msg\":\"noise\",\"time\":\"2026-11-28T19:22:44Z\"}\n"
				+ "{\"level\":\"error\",\"msg\":\"runc create failed: exec: \\\"nope\\\": not found\",\"time\":\"x\"}\n"
				+ "not json\n");

		assertThat(RuntimeMessages.fromJsonLog(log, old.length()))
			.isEqualTo("runc create failed: exec: \"nope\": not found; not json");
		assertThat(RuntimeMessages.fromJsonLog(this.dir.resolve("absent.log"), 0)).isEmpty();
		assertThat(RuntimeMessages.sizeOf(log)).isEqualTo(Files.size(log));
	}

}
