package io.rocketcri.config;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.springframework.aot.AotDetector;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * With Spring AOT ({@code -Dspring.aot.enabled=true}, docker/jvm.options) which beans exist was
 * decided when the jar was built, from the packaged application.yml: a setting that adds or
 * removes beans and comes from anywhere else (/etc/rocket-cri/application.yml, a flag, the
 * environment) would be silently ignored. For some that is a security matter: a management port
 * of its own, fewer exposed Actuator endpoints, the OpenAPI document switched off. So the start
 * stops instead, naming each such setting and the way out: start without that line of
 * jvm.options (slower start, every setting honoured), or drop the setting.
 */
public class AotSettingsGuard implements EnvironmentPostProcessor, Ordered {

	/** The packaged defaults: the build's AOT processing saw these. */
	private static final String PACKAGED = "class path resource [application.yml]";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!AotDetector.useGeneratedArtifacts()) {
			return;
		}
		List<String> found = beanShapingSettings(environment);
		if (!found.isEmpty()) {
			throw new IllegalStateException("rocket-cri runs with Spring AOT (-Dspring.aot.enabled=true, from jvm.options),"
					+ " which fixes at build time the beans these settings would add or remove: " + String.join(", ", found)
					+ ". Start without -Dspring.aot.enabled=true (remove that line from jvm.options) to use them, or"
					+ " remove them.");
		}
	}

	/** Settings from outside the packaged application.yml that decide whether beans exist. */
	static List<String> beanShapingSettings(ConfigurableEnvironment environment) {
		TreeSet<String> found = new TreeSet<>();
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (source.getName().contains(PACKAGED) || source.getSource() instanceof Iterable<?>) {
				continue; // the packaged defaults; the attached view of all sources
			}
			ConfigurationPropertySource adapted = ConfigurationPropertySource.from(source);
			if (adapted instanceof IterableConfigurationPropertySource names) {
				names.stream()
					.map(ConfigurationPropertyName::toString)
					.map(n -> n.replaceAll("\\[\\d+]$", ""))
					.filter(AotSettingsGuard::shapesBeans)
					.forEach(n -> found.add(n + " (" + source.getName() + ")"));
			}
		}
		return new ArrayList<>(found);
	}

	/** Names Spring Boot's conditions read (enabled switches, exposure, the management server), not plain values. */
	static boolean shapesBeans(String name) {
		if (name.equals("spring.aot.enabled")) {
			return false; // the switch itself
		}
		return name.startsWith("management.server.") || name.startsWith("management.endpoints.web.exposure.")
				|| name.startsWith("management.endpoints.access.") || name.endsWith(".access")
						&& name.startsWith("management.")
				|| name.endsWith(".enabled") && (name.startsWith("management.") || name.startsWith("spring."))
				|| name.equals("spring.autoconfigure.exclude") || name.startsWith("spring.profiles.")
				|| name.equals("spring.main.web-application-type");
	}

	/** After the config data (application.yml files) is loaded. */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
