package io.rocketcri.config;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Points the gRPC server at the CRI socket named by {@code rocket.cri.socket}.
 *
 * <p>Operators write the socket the way kubelet does ({@code unix:///run/...}); the gRPC starter
 * wants a bare path in {@code spring.grpc.server.netty.domain-socket-path}. Runs after the config
 * files are read so that a socket set in /etc/rocket-cri/application.yml, a flag or ROCKET_CRI_SOCKET wins.
 */
class CriSocketEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String GRPC_SOCKET_PROPERTY = "spring.grpc.server.netty.domain-socket-path";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.containsProperty(GRPC_SOCKET_PROPERTY)) {
			return;
		}
		String socket = environment.getProperty("rocket.cri.socket", RocketProperties.Cri.DEFAULT_SOCKET);
		String path = new RocketProperties.Cri(socket).socketPath().toString();
		environment.getPropertySources()
			.addLast(new MapPropertySource("rocketCriSocket", Map.of(GRPC_SOCKET_PROPERTY, path)));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
