package io.rocketcri.image.registry;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuthChallengeTest {

	@Test
	void parsesBearerWithQuotedParameters() {
		List<AuthChallenge> challenges = AuthChallenge.parse(List.of(
				"Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\""));
		assertThat(challenges).containsExactly(new AuthChallenge("bearer",
				Map.of("realm", "https://auth.docker.io/token", "service", "registry.docker.io", "scope",
						"repository:library/busybox:pull")));
		assertThat(challenges.getFirst().realm()).isEqualTo("https://auth.docker.io/token");
	}

	@Test
	void parsesSeveralChallengesAndUnquotedValues() {
		List<AuthChallenge> challenges = AuthChallenge
			.parse(List.of("Basic realm=\"Registry Realm\", Bearer realm=https://t.example/token, service=x", "Negotiate"));
		assertThat(challenges).extracting(AuthChallenge::scheme).containsExactly("basic", "bearer", "negotiate");
		assertThat(challenges.get(0).realm()).isEqualTo("Registry Realm");
		assertThat(challenges.get(1).params()).isEqualTo(Map.of("realm", "https://t.example/token", "service", "x"));
	}

}
