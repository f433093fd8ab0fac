package io.rocketcri.streaming;

import java.time.Clock;

import io.rocketcri.container.ContainerService;
import io.rocketcri.pod.PodSandboxService;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The streaming server and the CRI side that hands out its URLs. */
@Configuration(proxyBeanMethods = false)
class StreamingConfiguration {

	@Bean
	TokenCache streamingTokens(StreamingProperties properties) {
		return new TokenCache(properties.tokenTtl(), properties.maxPendingTokens(), Clock.systemUTC());
	}

	@Bean
	StreamTargets streamTargets(ContainerService containers, PodSandboxService pods) {
		return new StreamTargets(containers, pods);
	}

	@Bean
	StreamingServer streamingServer(StreamingProperties properties, TokenCache tokens, StreamTargets targets) {
		return new StreamingServer(properties, tokens, targets);
	}

	@Bean
	StreamingService streamingService(ContainerService containers, PodSandboxService pods, TokenCache tokens,
			StreamingServer server) {
		return new StreamingService(containers, pods, tokens, server);
	}

}
