package io.rocketcri.engine.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.rocketcri.engine.LinuxHostOs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The FIFO handshake with a real shell standing in for conmon (no root needed). */
class SyncFifoTest {

	@TempDir
	Path dir;

	private final LinuxHostOs host = new LinuxHostOs();

	private Process shellWritingToFd3(SyncFifo fifo, String script) throws Exception {
		return new ProcessBuilder("/bin/sh", "-c", "exec /bin/sh -c \"$1\" 3>\"$0\"", fifo.path().toString(), script)
			.start();
	}

	@Test
	void readsTheMessagesConmonWritesInItsThreeShapes() throws Exception {
		try (SyncFifo fifo = SyncFifo.open(this.host, this.dir, "c1", 3)) {
			shellWritingToFd3(fifo, "echo '{\"pid\": 42}' >&3; echo '{\"data\": -1, \"message\": \"runc said \\\"no\\\"\"}' >&3;"
					+ " echo '{\"exit_code\": 137}' >&3").waitFor();

			assertThat(fifo.next(Duration.ofSeconds(5))).isEqualTo(new SyncFifo.Message(42, ""));
			SyncFifo.Message failed = fifo.next(Duration.ofSeconds(5));
			assertThat(failed.failed()).isTrue();
			assertThat(failed.message()).isEqualTo("runc said \"no\"");
			assertThat(fifo.next(Duration.ofSeconds(5))).isEqualTo(new SyncFifo.Message(137, ""));
			assertThat(fifo.next(Duration.ofSeconds(5))).isNull();
		}
	}

	@Test
	void stopsReadingAfterTheExpectedMessagesThoughTheWriterStaysOpen() throws Exception {
		try (SyncFifo fifo = SyncFifo.open(this.host, this.dir, "c2", 1)) {
			Process writer = shellWritingToFd3(fifo, "echo '{\"pid\": 7}' >&3; exec sleep 30");
			try {
				assertThat(fifo.next(Duration.ofSeconds(5)).value()).isEqualTo(7);
				assertThat(fifo.next(Duration.ofSeconds(5))).as("end after one message").isNull();
			}
			finally {
				writer.destroyForcibly();
			}
		}
	}

	@Test
	void aWriterThatDiesSilentlyEndsThePipe() throws Exception {
		try (SyncFifo fifo = SyncFifo.open(this.host, this.dir, "c3", 1)) {
			shellWritingToFd3(fifo, "exit 1").waitFor();

			assertThat(fifo.next(Duration.ofSeconds(5))).isNull();
		}
	}

	@Test
	void aLineThatIsNotJsonIsAnErrorNotAnEnd() throws Exception {
		try (SyncFifo fifo = SyncFifo.open(this.host, this.dir, "c6", 1)) {
			shellWritingToFd3(fifo, "echo '{\"pid\": ' >&3").waitFor();

			assertThatThrownBy(() -> fifo.next(Duration.ofSeconds(5))).isInstanceOf(IOException.class)
				.hasMessageStartingWith("reading conmon's sync pipe " + fifo.path() + ": Unexpected end-of-input");
		}
		assertThatThrownBy(() -> SyncFifo.parse("{\"pid\": \"x\"}")).isInstanceOf(IOException.class)
			.hasMessage("unexpected message from conmon: {\"pid\": \"x\"}");
	}

	@Test
	void aSlowWriterIsATimeoutNotAnEnd() throws Exception {
		try (SyncFifo fifo = SyncFifo.open(this.host, this.dir, "c4", 1)) {
			Process writer = shellWritingToFd3(fifo, "exec sleep 30");
			try {
				assertThatThrownBy(() -> fifo.next(Duration.ofMillis(200))).isInstanceOf(TimeoutException.class);
			}
			finally {
				writer.destroyForcibly();
			}
		}
	}

	@Test
	void closeReleasesAReaderWhoseWriterNeverCame() throws Exception {
		SyncFifo fifo = SyncFifo.open(this.host, this.dir, "c5", 1);
		Thread.sleep(100); // let the reader block in its open

		fifo.close();

		assertThat(fifo.next(Duration.ofSeconds(5))).isNull();
		assertThat(Files.exists(fifo.path())).isFalse();
	}

}
