package io.rocketcri.engine;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The host, as the rest of the runtime sees it. */
@Configuration(proxyBeanMethods = false)
class EngineConfiguration {

	@Bean
	HostOs hostOs() {
		return new LinuxHostOs();
	}

}
