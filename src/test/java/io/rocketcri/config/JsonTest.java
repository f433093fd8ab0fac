package io.rocketcri.config;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared mapper reads and writes what rocket-cri read and wrote with Jackson 2. */
class JsonTest {

	@TempDir
	Path dir;

	@Test
	void charactersBeyondTheBmpAreWrittenAsEscapedSurrogates() {
		String grinning = new String(Character.toChars(0x1F600));
		byte[] json = Json.MAPPER.writeValueAsBytes(Json.MAPPER.createObjectNode().put("a", "x" + grinning));

		assertThat(new String(json, StandardCharsets.US_ASCII)).isEqualTo("{\"a\":\"x\\uD83D\\uDE00\"}");
		assertThat(Json.MAPPER.readTree(json).path("a").asString()).isEqualTo("x" + grinning);
	}

	@Test
	void whatFollowsADocumentIsNotRead() throws IOException {
		assertThat(Json.read("{\"a\":1}\n{\"b\":2}".getBytes(StandardCharsets.UTF_8)))
			.isEqualTo(Json.MAPPER.createObjectNode().put("a", 1));
		assertThat(Json.MAPPER.readTree("{\"a\":1} and a warning").path("a").asInt()).isEqualTo(1);
	}

	@Test
	void recordsKeepTheirComponentOrder() {
		record Finding(String level, String check, String detail) {
		}
		assertThat(Json.MAPPER.writeValueAsString(new Finding("WARN", "cgroup", "v1")))
			.isEqualTo("{\"level\":\"WARN\",\"check\":\"cgroup\",\"detail\":\"v1\"}");
	}

	@Test
	void aFileThatIsNotJsonIsAnIOException() throws IOException {
		Path file = Files.writeString(this.dir.resolve("bad.json"), "{\"a\": ");

		assertThatThrownBy(() -> Json.read(file)).isExactlyInstanceOf(IOException.class)
			.hasMessageStartingWith("Unexpected end-of-input");
		assertThatThrownBy(() -> Json.read(Files.readAllBytes(file))).isExactlyInstanceOf(IOException.class)
			.hasMessageStartingWith("Unexpected end-of-input");
	}

	@Test
	void aMissingFileIsTheIOExceptionOfTheFileSystem() {
		Path file = this.dir.resolve("missing.json");

		assertThatThrownBy(() -> Json.read(file)).isInstanceOf(FileNotFoundException.class)
			.hasMessageStartingWith(file.toString());
	}

	@Test
	void nothingIsAMissingNode() throws IOException {
		assertThat(Json.read(new byte[0]).isMissingNode()).isTrue();
	}

}
