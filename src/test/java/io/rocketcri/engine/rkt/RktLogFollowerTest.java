package io.rocketcri.engine.rkt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class RktLogFollowerTest {

	@TempDir
	Path tmp;

	@Test
	void kubeletsLogFileExistsAsSoonAsTheFollowerStarts() {
		Path target = tmp.resolve("kubelet/app/0.log");
		RktLogFollower follower = new RktLogFollower("c1", tmp.resolve("pod/logs/app.log"), target,
				tmp.resolve("offset"), Duration.ofMillis(10));
		follower.start();
		try {
			assertThat(target).exists().isEmptyFile();
		}
		finally {
			follower.stop();
		}
	}

	@Test
	void afterARotationTheNewFileExistsAtOnceAndGetsTheNextLines() throws IOException {
		Path raw = tmp.resolve("pod/logs/app.log");
		Path target = tmp.resolve("kubelet/app/0.log");
		// driven batch by batch here, as the follower's thread does
		RktLogFollower follower = new RktLogFollower("c1", raw, target, tmp.resolve("offset"), Duration.ofSeconds(10));
		Files.createDirectories(raw.getParent());
		Files.writeString(raw, "2026-11-29T00:05:15.992603541Z stdout hello\n");
		follower.copyOnce();
		assertThat(Files.readString(target)).isEqualTo("2026-11-29T00:05:15.992603541Z stdout F hello\n");

		// kubelet's rotation: rename, then ReopenContainerLog
		Files.move(target, target.resolveSibling("0.log.1"));
		follower.createTarget();
		assertThat(target).exists().isEmptyFile();
		Files.writeString(raw, "2026-11-29T00:05:16Z stderr oops\n", java.nio.file.StandardOpenOption.APPEND);
		follower.copyOnce();
		assertThat(Files.readString(target)).isEqualTo("2026-11-29T00:05:16Z stderr F oops\n");
	}

}
