package io.rocketcri.engine.rkt;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RktLogConverterTest {

	private static String feed(RktLogConverter c, String raw) {
		byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
		return new String(c.feed(bytes, 0, bytes.length), StandardCharsets.UTF_8);
	}

	@Test
	void fullLinesGetTheFullTag() {
		RktLogConverter c = new RktLogConverter();
		assertThat(feed(c, "2026-11-28T23:41:02.123456789Z stdout hello world\n2026-11-28T23:41:02.5Z stderr oops\n"))
			.isEqualTo("2026-11-28T23:41:02.123456789Z stdout F hello world\n2026-11-28T23:41:02.5Z stderr F oops\n");
	}

	@Test
	void aLineIsHeldBackUntilItsNewlineArrives() {
		RktLogConverter c = new RktLogConverter();
		assertThat(feed(c, "2026-11-28T23:41:02Z stdout hel")).isEmpty();
		assertThat(c.pendingBytes()).isPositive();
		assertThat(feed(c, "lo\n")).isEqualTo("2026-11-28T23:41:02Z stdout F hello\n");
		assertThat(c.pendingBytes()).isZero();
	}

	@Test
	void theUnterminatedLastLineIsPartialAtTheEnd() {
		RktLogConverter c = new RktLogConverter();
		feed(c, "2026-11-28T23:41:02+01:00 stdout no newline");
		assertThat(new String(c.finish(), StandardCharsets.UTF_8))
			.isEqualTo("2026-11-28T23:41:02+01:00 stdout P no newline\n");
		assertThat(c.finish()).isEmpty();
	}

	@Test
	void emptyLinesAndSpacesAreKept() {
		RktLogConverter c = new RktLogConverter();
		assertThat(feed(c, "2026-11-28T23:41:02Z stdout \n2026-11-28T23:41:02Z stdout   two  spaces\n"))
			.isEqualTo("2026-11-28T23:41:02Z stdout F \n2026-11-28T23:41:02Z stdout F   two  spaces\n");
	}

	@Test
	void aLineWithoutRktsPrefixIsKeptAsStdoutStampedNow() {
		RktLogConverter c = new RktLogConverter();
		assertThat(feed(c, "not a record\n")).matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z stdout F not a record\n");
	}

}
