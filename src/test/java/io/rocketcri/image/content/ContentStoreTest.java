package io.rocketcri.image.content;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContentStoreTest {

	@TempDir
	Path root;

	@Test
	void storesVerifiedBlobUnderItsDigest() throws IOException {
		ContentStore store = new ContentStore(root);
		byte[] data = "hello layer".getBytes(StandardCharsets.UTF_8);
		String digest = Digests.of(data);
		store.write(new ByteArrayInputStream(data), digest, data.length);
		assertThat(store.has(digest)).isTrue();
		assertThat(store.read(digest)).isEqualTo(data);
		assertThat(store.list()).containsExactly(digest);
		assertThat(Files.list(root.resolve("ingest"))).isEmpty();
	}

	@Test
	void wrongDigestLeavesNothingBehind() throws IOException {
		ContentStore store = new ContentStore(root);
		byte[] data = "tampered".getBytes(StandardCharsets.UTF_8);
		String claimed = Digests.of("original".getBytes(StandardCharsets.UTF_8));
		assertThatThrownBy(() -> store.write(new ByteArrayInputStream(data), claimed, data.length))
			.isInstanceOf(VerifyingInputStream.DigestMismatchException.class)
			.hasMessageContaining("digest mismatch")
			.hasMessageContaining(claimed);
		assertThat(store.has(claimed)).isFalse();
		assertThat(Files.list(root.resolve("ingest"))).isEmpty();
	}

	@Test
	void truncatedStreamLeavesNothingBehind() throws IOException {
		ContentStore store = new ContentStore(root);
		byte[] data = new byte[10_000];
		Arrays.fill(data, (byte) 7);
		String digest = Digests.of(data);
		InputStream cut = new ByteArrayInputStream(data, 0, 4_000);
		assertThatThrownBy(() -> store.write(cut, digest, data.length)).hasMessageContaining("truncated: got 4000 of 10000");
		assertThat(store.list()).isEmpty();
		assertThat(Files.list(root.resolve("ingest"))).isEmpty();
	}

	@Test
	void leftoverIngestFilesAreCleanedAtStart() throws IOException {
		Files.createDirectories(root.resolve("ingest"));
		Files.writeString(root.resolve("ingest/crashed-mid-write"), "partial");
		new ContentStore(root);
		assertThat(Files.list(root.resolve("ingest"))).isEmpty();
	}

}
