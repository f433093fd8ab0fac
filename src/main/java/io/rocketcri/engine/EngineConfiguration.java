package io.rocketcri.engine;

import java.nio.file.Path;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.rocketcri.config.RocketProperties;
import io.rocketcri.engine.ns.NamespacePinner;
import io.rocketcri.engine.ns.PodSysctls;
import io.rocketcri.engine.ns.UnsharePinner;
import io.rocketcri.engine.oci.ConmonOciRuntime;
import io.rocketcri.engine.oci.OciRuntime;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The host, as the rest of the runtime sees it: syscalls, tools, namespaces, the OCI runtime, engines. */
@Configuration(proxyBeanMethods = false)
class EngineConfiguration {

	@Bean
	HostOs hostOs() {
		return new LinuxHostOs();
	}

	@Bean
	CommandRunner commandRunner() {
		return new ProcessCommandRunner();
	}

	@Bean
	ExecutableLocator executableLocator(RocketProperties properties) {
		return new ExecutableLocator(properties.network().cniPluginDirs());
	}

	@Bean
	HostProbe hostProbe(CommandRunner runner, ExecutableLocator tools, HostOs host) {
		return new HostProbe(runner, tools, host);
	}

	@Bean
	NamespacePinner namespacePinner(RocketProperties properties, CommandRunner runner, HostOs host) {
		return new UnsharePinner(properties.state(), runner, host);
	}

	@Bean
	OciRuntime ociRuntime(RocketProperties properties, CommandRunner runner, HostOs host, ExecutableLocator tools,
			MeterRegistry meters) {
		return new ConmonOciRuntime(properties.state(), runner, host, tools, meters);
	}

	@Bean
	RuncPodEngine runcPodEngine(RocketProperties properties, NamespacePinner pinner, OciRuntime oci, HostOs host,
			ExecutableLocator tools, CommandRunner runner) {
		Path catatonit = tools.find("catatonit").orElse(Path.of("/usr/bin/catatonit"));
		return new RuncPodEngine(PodEngines.DEFAULT_HANDLER, properties.state(), properties.root(), pinner,
				new PodSysctls(runner), oci, host, catatonit, CgroupReader.host(), new NetworkCounters(runner));
	}

	/**
	 * Always a bean, also without rkt on the node: a pod asking for handler "rkt" then gets
	 * FailedPrecondition naming what is missing rather than "no such handler", and Status leaves
	 * the handler out until {@code rkt version} answers.
	 */
	@Bean
	io.rocketcri.engine.rkt.RktPodEngine rktPodEngine(RocketProperties properties, CommandRunner runner, HostOs host,
			NamespacePinner pinner) {
		RocketProperties.Rkt rkt = properties.rkt();
		return new io.rocketcri.engine.rkt.RktPodEngine(
				new io.rocketcri.engine.rkt.RktCommands(rkt.path(), rkt.dataDir(), rkt.stage1Image()), runner, host,
				pinner, properties.state(), rkt.readyTimeout(), java.time.Duration.ofMillis(250), rkt.noOverlay(),
				System::nanoTime);
	}

	@Bean
	PodEngines podEngines(List<PodEngine> engines) {
		return new PodEngines(engines);
	}

}
