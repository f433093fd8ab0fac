package io.rocketcri.engine.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** runtime.json: what a restarted rocket-cri reads back, in the format earlier versions wrote. */
class ConmonContainerTest {

	@TempDir
	Path dir;

	@Test
	void savedAsPrettyJsonAndLoadedBack() throws IOException {
		ConmonContainer container = new ConmonContainer("c1", Path.of("/run/b/c1"), null, "runc",
				Path.of("/usr/bin/runc"));

		container.save(this.dir);

		assertThat(this.dir.resolve(ConmonContainer.FILE_NAME)).hasContent("""
				{
				  "id" : "c1",
				  "bundle" : "/run/b/c1",
				  "logPath" : null,
				  "runtimeHandler" : "runc",
				  "runtimeBinary" : "/usr/bin/runc"
				}""");
		assertThat(ConmonContainer.load(this.dir)).contains(container);
	}

	@Test
	void noRecordIsEmptyAndOneThatIsNotJsonAnIOException() throws IOException {
		assertThat(ConmonContainer.load(this.dir)).isEmpty();

		Files.writeString(this.dir.resolve(ConmonContainer.FILE_NAME), "{\"id\" : \"c1\",");

		assertThatThrownBy(() -> ConmonContainer.load(this.dir)).isInstanceOf(IOException.class)
			.hasMessageStartingWith("Unexpected end-of-input");
	}

}
