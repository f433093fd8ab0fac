package io.rocketcri.streaming;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.rocketcri.failure.ResourceExhausted;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenCacheTest {

	/** A clock the test moves by hand. */
	static final class ManualClock extends Clock {

		Instant now = Instant.parse("2026-01-01T00:00:00Z");

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

	private final ManualClock clock = new ManualClock();

	private final StreamRequest request = new StreamRequest.PortForward("pod", List.of(80));

	@Test
	void aTokenIsGoodOnce() {
		TokenCache tokens = new TokenCache(Duration.ofMinutes(1), 10, this.clock);
		String token = tokens.put(this.request);
		assertThat(tokens.take(token)).contains(this.request);
		assertThat(tokens.take(token)).isEmpty();
	}

	@Test
	void aTokenExpiresAfterItsTimeToLive() {
		TokenCache tokens = new TokenCache(Duration.ofMinutes(1), 10, this.clock);
		String token = tokens.put(this.request);
		this.clock.now = this.clock.now.plusSeconds(60);
		assertThat(tokens.take(token)).isEmpty();
	}

	@Test
	void tokensAreUnguessableAndUrlSafe() {
		TokenCache tokens = new TokenCache(Duration.ofMinutes(1), 1000, this.clock);
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < 500; i++) {
			String token = tokens.put(this.request);
			assertThat(token).matches("[A-Za-z0-9_-]{22}");
			assertThat(seen.add(token)).isTrue();
		}
		assertThat(tokens.take("unknown")).isEmpty();
	}

	@Test
	void aFullCacheRefusesUntilTokensExpire() {
		TokenCache tokens = new TokenCache(Duration.ofMinutes(1), 2, this.clock);
		tokens.put(this.request);
		tokens.put(this.request);
		assertThatThrownBy(() -> tokens.put(this.request)).isInstanceOf(ResourceExhausted.class);
		this.clock.now = this.clock.now.plusSeconds(61);
		tokens.put(this.request);
		assertThat(tokens.size()).isEqualTo(1);
	}

}
