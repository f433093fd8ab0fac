package io.rocketcri.engine.oci;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.rocketcri.engine.LinuxHostOs;
import io.rocketcri.engine.ProcessCommandRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** What a killed runtime's launches leave in the sync directory goes at the next boot. */
class ConmonLauncherOrphansTest {

	@TempDir
	Path sync;

	@Test
	void aBlockedLaunchShellIsKilledAndItsFilesGoButAReusedPidIsLeftAlone() throws Exception {
		Path fifo = sync.resolve("abc.12345678.sync");
		Files.createFile(fifo);
		// stands in for the launch shell: its command line names the FIFO
		Process blocked = new ProcessBuilder("sh", "-c", "sleep 60", "conmon-launch", fifo.toString()).start();
		Files.writeString(Path.of(fifo + ".pid"), blocked.pid() + "\n");
		Path other = sync.resolve("def.87654321.sync");
		Process unrelated = new ProcessBuilder("sleep", "60").start();
		Files.writeString(Path.of(other + ".pid"), unrelated.pid() + "\n");
		try {
			new ConmonLauncher(new ProcessCommandRunner(), new LinuxHostOs(), sync).releaseOrphans();

			assertThat(blocked.waitFor(10, TimeUnit.SECONDS)).as("the launch shell is killed").isTrue();
			assertThat(unrelated.isAlive()).as("a process that does not name the FIFO is not ours").isTrue();
			try (var left = Files.list(sync)) {
				assertThat(left).isEmpty();
			}
		}
		finally {
			blocked.destroyForcibly();
			unrelated.destroyForcibly();
		}
	}

}
