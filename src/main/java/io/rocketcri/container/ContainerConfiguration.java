package io.rocketcri.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import io.rocketcri.config.RocketProperties;
import io.rocketcri.container.spec.HostLimits;
import io.rocketcri.container.spec.LinuxCapabilities;
import io.rocketcri.container.spec.CdiRegistry;
import io.rocketcri.container.spec.OciSpecGenerator;
import io.rocketcri.container.spec.SeccompProfiles;
import io.rocketcri.events.EventBus;
import io.rocketcri.pod.PodSandboxService;
import io.rocketcri.store.BootGate;
import io.rocketcri.store.BootStep;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** Wires container spec generation, the lifecycle's boot step, its event bus and exit monitor. */
@Configuration(proxyBeanMethods = false)
class ContainerConfiguration {

	@Bean
	OciSpecGenerator ociSpecGenerator(RocketProperties properties) throws IOException {
		return new OciSpecGenerator(new SeccompProfiles(properties.seccompProfileRoot()), hostLimits(),
				new CdiRegistry(properties.cdi().specDirs()));
	}

	/** How many of the last container events the bus keeps for the console's overview and the REST API. */
	static final int RECENT_EVENTS = 200;

	/**
	 * Container lifecycle events for GetContainerEvents, the console and the REST API; each
	 * watcher may fall {@link EventBus#DEFAULT_CAPACITY} events behind.
	 */
	@Bean
	EventBus<ContainerEvent> containerEvents() {
		return new EventBus<>(EventBus.DEFAULT_CAPACITY, RECENT_EVENTS);
	}

	/** Records containers' own exits every second, so their STOPPED events go out unasked. */
	@Bean
	ContainerExitMonitor containerExitMonitor(ContainerService containers, BootGate gate) {
		return new ContainerExitMonitor(containers, gate, Duration.ofSeconds(1));
	}

	@Bean
	@Order(BootStep.LOAD_PODS_AND_CONTAINERS)
	BootStep loadPodsAndContainers(PodSandboxService pods, ContainerService containers) {
		return BootStep.of("load pods and containers", () -> {
			pods.load();
			containers.load();
		});
	}

	/**
	 * What the runtime itself holds, which caps what a container can get: the capability bounding
	 * set (a privileged container gets exactly it; asking runc for a capability the host lacks,
	 * CAP_SYS_RESOURCE on some nodes, fails every privileged container), the open-files hard limit
	 * (runc cannot raise it without CAP_SYS_RESOURCE) and whether swap is accounted.
	 */
	static HostLimits hostLimits() throws IOException {
		Set<String> capabilities = LinuxCapabilities.boundingSetOf(Files.readString(Path.of("/proc/self/status")));
		long openFiles = HostLimits.openFilesHardLimitOf(Files.readString(Path.of("/proc/self/limits")));
		boolean swap = Files.exists(Path.of("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"));
		return new HostLimits(capabilities, openFiles, swap);
	}

}
