package io.rocketcri.image.content;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DigestsTest {

	static final String HEX = "0123456789abcdef".repeat(4);

	@Test
	void acceptsOnlySha256WithSixtyFourLowercaseHexDigits() {
		assertThat(Digests.isValid("sha256:" + HEX)).isTrue();
		assertThat(Digests.isValid(null)).isFalse();
		assertThat(Digests.isValid("")).isFalse();
		assertThat(Digests.isValid("sha256:" + HEX.substring(1))).isFalse();
		assertThat(Digests.isValid("sha256:" + HEX + "0")).isFalse();
		assertThat(Digests.isValid("sha256:" + HEX.toUpperCase())).isFalse();
		assertThat(Digests.isValid("sha512:" + HEX)).isFalse();
		assertThat(Digests.isValid("sha256:" + HEX.substring(1) + "g")).isFalse();
		assertThat(Digests.isValid("sha256:" + HEX.substring(1) + "/")).isFalse();
		assertThat(Digests.isValid("sha256:" + HEX.substring(1) + ":")).isFalse();
		assertThat(Digests.isValid("SHA256:" + HEX)).isFalse();
	}

}
