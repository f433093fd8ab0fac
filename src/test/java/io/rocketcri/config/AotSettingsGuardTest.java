package io.rocketcri.config;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class AotSettingsGuardTest {

	@Test
	void settingsThatAddOrRemoveBeansAreFoundOutsideThePackagedDefaults() {
		StandardEnvironment env = new StandardEnvironment();
		env.getPropertySources().addFirst(new MapPropertySource("commandLineArgs",
				Map.of("management.server.port", "9090", "rocket.root", "/data", "server.port", "8781",
						"spring.h2.console.enabled", "true", "management.endpoint.health.show-details", "always")));
		env.getPropertySources().addLast(new SystemEnvironmentPropertySource("systemEnvironment",
				Map.of("MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE", "health", "PATH", "/usr/bin")));
		env.getPropertySources().addLast(new MapPropertySource(
				"Config resource 'file [/etc/rocket-cri/application.yml]' via location 'optional:file:/etc/rocket-cri/application.yml'",
				Map.of("spring.autoconfigure.exclude[0]", "x.Y", "rocket.network.cni-config-dir", "/etc/cni")));
		env.getPropertySources().addLast(new MapPropertySource(
				"Config resource 'class path resource [application.yml]' via location 'optional:classpath:/'",
				Map.of("spring.grpc.server.observation.enabled", "false", "management.endpoints.web.exposure.include", "*")));
		ConfigurationPropertySources.attach(env);

		assertThat(AotSettingsGuard.beanShapingSettings(env)).containsExactly(
				"management.endpoints.web.exposure.include (systemEnvironment)",
				"management.server.port (commandLineArgs)",
				"spring.autoconfigure.exclude (Config resource 'file [/etc/rocket-cri/application.yml]' via location 'optional:file:/etc/rocket-cri/application.yml')",
				"spring.h2.console.enabled (commandLineArgs)");
	}

	@Test
	void plainValuesAndRocketSettingsPass() {
		assertThat(AotSettingsGuard.shapesBeans("management.endpoint.health.show-details")).isFalse();
		assertThat(AotSettingsGuard.shapesBeans("server.ssl.certificate")).isFalse();
		assertThat(AotSettingsGuard.shapesBeans("spring.grpc.server.inbound.message.max-size")).isFalse();
		assertThat(AotSettingsGuard.shapesBeans("rocket.rkt.enabled")).isFalse();
		assertThat(AotSettingsGuard.shapesBeans("spring.aot.enabled")).isFalse();
		assertThat(AotSettingsGuard.shapesBeans("spring.threads.virtual.enabled")).isTrue();
		assertThat(AotSettingsGuard.shapesBeans("management.endpoint.env.access")).isTrue();
		assertThat(AotSettingsGuard.shapesBeans("spring.profiles.active")).isTrue();
	}

}
