package io.rocketcri.network;

import io.rocketcri.config.RocketProperties;
import io.rocketcri.engine.CommandRunner;
import io.rocketcri.engine.HostOs;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Pod networking through the CNI plugins and the first network config operators dropped in. */
@Configuration(proxyBeanMethods = false)
class NetworkConfiguration {

	@Bean
	PodNetwork podNetwork(RocketProperties properties, CommandRunner runner, HostOs host) {
		return new CniPodNetwork(properties.network().cniConfigDir(), properties.network().cniPluginDirs(),
				properties.root().resolve("cni/results"), runner, CniPodNetwork.Options.defaults(), host);
	}

}
