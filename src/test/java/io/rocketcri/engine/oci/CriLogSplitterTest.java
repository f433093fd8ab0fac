package io.rocketcri.engine.oci;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CriLogSplitterTest {

	private static CriLogSplitter.Output split(String log) {
		return CriLogSplitter.split(log.getBytes(StandardCharsets.UTF_8));
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	@Test
	void fullLinesKeepTheirNewlineAndPartialOnesDoNot() {
		CriLogSplitter.Output out = split("""
				2026-11-28T19:20:31.878290738+00:00 stdout F hello
				2026-11-28T19:20:31.878290738+00:00 stdout P abc
				2026-11-28T19:20:31.878406751+00:00 stderr F err
				2026-11-28T19:20:31.978406751+00:00 stdout F def
				""");

		assertThat(text(out.stdout())).isEqualTo("hello\nabcdef\n");
		assertThat(text(out.stderr())).isEqualTo("err\n");
	}

	@Test
	void contentKeepsItsSpacesAndEmptyLinesSurvive() {
		CriLogSplitter.Output out = split("""
				2026-11-28T19:20:31.878290738Z stdout F  two  spaces\s
				2026-11-28T19:20:31.878290738Z stdout F\s
				2026-11-28T19:20:31.878290738Z stderr P x:y
				""");

		assertThat(text(out.stdout())).isEqualTo(" two  spaces \n\n");
		assertThat(text(out.stderr())).isEqualTo("x:y");
	}

	@Test
	void severalTagsAreReadAndATruncatedTailIsKept() {
		CriLogSplitter.Output out = split("2026-11-28T19:20:31.878290738Z stdout P:X part\n"
				+ "2026-11-28T19:20:31.878290738Z stdout F cut off without newline");

		assertThat(text(out.stdout())).isEqualTo("partcut off without newline");
	}

	@Test
	void bytesThatAreNotUtf8PassThrough() {
		byte[] log = { '1', ' ', 's', 't', 'd', 'o', 'u', 't', ' ', 'F', ' ', (byte) 0xff, (byte) 0xfe, '\n' };

		assertThat(CriLogSplitter.split(log).stdout()).containsExactly((byte) 0xff, (byte) 0xfe, (byte) '\n');
	}

	@Test
	void anEmptyLogIsTwoEmptyStreams() {
		assertThat(split("").stdout()).isEmpty();
		assertThat(split("").stderr()).isEmpty();
	}

}
