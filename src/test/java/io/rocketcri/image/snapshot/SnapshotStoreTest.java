package io.rocketcri.image.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotStoreTest {

	private static final String DIFF_1 = "sha256:" + "a".repeat(64);

	private static final String DIFF_2 = "sha256:" + "b".repeat(64);

	@TempDir
	Path root;

	@Test
	void chainIdOfTheBottomLayerIsItsDiffId() {
		assertThat(SnapshotStore.chainId(null, DIFF_1)).isEqualTo(DIFF_1);
	}

	@Test
	void chainIdStacksAsTheImageSpecSays() {
		// printf 'sha256:aaaa…aaaa sha256:bbbb…bbbb' | sha256sum
		assertThat(SnapshotStore.chainId(DIFF_1, DIFF_2))
			.isEqualTo("sha256:ccd722928bd92476ba1745586fed6e45a102504185ad88cd89e01ff116fd146c");
	}

	@Test
	void chainIdRefusesNonDigests() {
		assertThatThrownBy(() -> SnapshotStore.chainId(null, "sha256:xyz")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> SnapshotStore.chainId("../../etc", DIFF_1))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void prepareIsInvisibleUntilCommit() throws IOException {
		SnapshotStore store = new SnapshotStore(this.root);

		Path prepared = store.prepare(DIFF_1);
		Files.writeString(prepared.resolve("file"), "content");

		assertThat(prepared).isDirectory();
		assertThat(prepared.getParent().getFileName().toString()).startsWith("ingest-");
		assertThat(store.exists(DIFF_1)).isFalse();

		Path committed = store.commit(prepared, DIFF_1);

		assertThat(committed).isEqualTo(store.path(DIFF_1))
			.isEqualTo(this.root.resolve("snapshots").resolve("a".repeat(64)).resolve("fs"));
		assertThat(store.exists(DIFF_1)).isTrue();
		assertThat(committed.resolve("file")).hasContent("content");
		assertThat(prepared.getParent()).doesNotExist();
	}

	@Test
	void secondCommitOfTheSameChainKeepsTheFirst() throws IOException {
		SnapshotStore store = new SnapshotStore(this.root);
		Path first = store.prepare(DIFF_1);
		Path second = store.prepare(DIFF_1);
		Files.writeString(first.resolve("who"), "first");
		Files.writeString(second.resolve("who"), "second");

		store.commit(first, DIFF_1);
		store.commit(second, DIFF_1);

		assertThat(store.path(DIFF_1).resolve("who")).hasContent("first");
		assertThat(second.getParent()).doesNotExist();
	}

	@Test
	void commitRefusesADirectoryPrepareDidNotMake() {
		SnapshotStore store = new SnapshotStore(this.root);

		assertThatThrownBy(() -> store.commit(this.root, DIFF_1)).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void removeDeletesReadOnlyTreesAndDoesNotFollowSymlinks() throws IOException {
		Path outside = Files.createDirectory(this.root.resolve("outside"));
		Files.writeString(outside.resolve("precious"), "keep me");
		SnapshotStore store = new SnapshotStore(this.root);
		Path fs = store.prepare(DIFF_1);
		Path locked = Files.createDirectories(fs.resolve("a/locked"));
		Files.writeString(locked.resolve("f"), "f");
		Files.createSymbolicLink(fs.resolve("escape"), outside);
		Files.createSymbolicLink(locked.resolve("escape-dir"), outside);
		Files.setAttribute(locked, "unix:mode", 0500);
		Files.setAttribute(fs.resolve("a"), "unix:mode", 0000);
		store.commit(fs, DIFF_1);

		store.remove(DIFF_1);
		store.remove(DIFF_1); // idempotent

		assertThat(store.exists(DIFF_1)).isFalse();
		assertThat(this.root.resolve("snapshots").resolve("a".repeat(64))).doesNotExist();
		assertThat(outside.resolve("precious")).hasContent("keep me");
		try (var left = Files.list(this.root.resolve("snapshots"))) {
			assertThat(left).isEmpty();
		}
	}

	@Test
	void abortAndLeftoverCleanupRemoveIngestDirectories() throws IOException {
		SnapshotStore store = new SnapshotStore(this.root);
		Path aborted = store.prepare(DIFF_1);
		Path crashed = store.prepare(DIFF_2);
		Files.writeString(crashed.resolve("partial"), "p");
		store.commit(store.prepare(DIFF_1), DIFF_1);

		store.abort(aborted);
		store.removeLeftovers();

		assertThat(aborted.getParent()).doesNotExist();
		assertThat(crashed.getParent()).doesNotExist();
		assertThat(store.exists(DIFF_1)).isTrue();
	}

	@Test
	void diskUsageCountsHardLinkedBytesOnce() throws IOException {
		SnapshotStore store = new SnapshotStore(this.root);
		Path fs = store.prepare(DIFF_1);
		Files.write(fs.resolve("a"), new byte[1000]);
		Files.createLink(fs.resolve("a-again"), fs.resolve("a"));
		Files.createDirectory(fs.resolve("d"));
		Files.write(fs.resolve("d/b"), new byte[24]);
		Files.createSymbolicLink(fs.resolve("l"), fs.resolve("a"));
		store.commit(fs, DIFF_1);

		assertThat(store.diskUsage(DIFF_1)).isEqualTo(1024);
	}

}
