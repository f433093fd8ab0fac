package io.rocketcri.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import io.rocketcri.config.RocketProperties;
import io.rocketcri.container.spec.OciSpecGenerator;
import io.rocketcri.container.spec.SeccompProfiles;
import io.rocketcri.pod.PodSandboxService;
import io.rocketcri.store.BootStep;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires container spec generation and the container lifecycle's boot step. */
@Configuration(proxyBeanMethods = false)
class ContainerConfiguration {

	@Bean
	OciSpecGenerator ociSpecGenerator(RocketProperties properties) throws IOException {
		return new OciSpecGenerator(new SeccompProfiles(properties.seccompProfileRoot()), hostCapabilities());
	}

	@Bean
	BootStep loadPodsAndContainers(PodSandboxService pods, ContainerService containers) {
		return new BootStep() {
			@Override
			public String name() {
				return "load pods and containers";
			}

			@Override
			public void run() {
				pods.load();
				containers.load();
			}
		};
	}

	/**
	 * The capabilities this runtime holds (bounding set of our own process): a privileged
	 * container gets exactly these. Asking runc for one the host lacks fails every privileged
	 * container (CAP_SYS_RESOURCE is missing on some nodes).
	 */
	static Set<String> hostCapabilities() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
			if (line.startsWith("CapBnd:")) {
				long mask = Long.parseUnsignedLong(line.substring(7).strip(), 16);
				return CapabilityNames.fromMask(mask);
			}
		}
		throw new IOException("no CapBnd line in /proc/self/status");
	}

}
