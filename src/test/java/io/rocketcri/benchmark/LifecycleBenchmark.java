package io.rocketcri.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.CreateContainerRequest;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.LinuxPodSandboxConfig;
import io.rocketcri.cri.api.LinuxSandboxSecurityContext;
import io.rocketcri.cri.api.NamespaceMode;
import io.rocketcri.cri.api.NamespaceOption;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.cri.api.RemoveContainerRequest;
import io.rocketcri.cri.api.RemovePodSandboxRequest;
import io.rocketcri.cri.api.RunPodSandboxRequest;
import io.rocketcri.cri.api.StartContainerRequest;
import io.rocketcri.cri.api.StopContainerRequest;
import io.rocketcri.cri.api.StopPodSandboxRequest;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.OciImageBuilder;
import io.rocketcri.testsupport.PushedImage;
import io.rocketcri.testsupport.RuntimeUnderTest;
import io.rocketcri.testsupport.TestRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Pod and container lifecycles over the CRI socket next to a bare runc
 * create → start → kill → delete of the very bundle rocket-cri generated, in one run. Prints
 * p50/p99 and the ratios; asserts no time (machines here are shared and noisy).
 *
 * <p>Run: {@code ./mvnw verify -Dgroups=benchmark -DexcludedGroups= -Dtest=LifecycleBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
@SpringBootTest
class LifecycleBenchmark {

	static final int ROUNDS = Integer.getInteger("rounds", 20);

	/** Times every process the runtime spawns and every H2 statement (see {@link StepProfile}). */
	@TestConfiguration(proxyBeanMethods = false)
	static class Probes {

		@Bean
		@Primary
		io.rocketcri.engine.CommandRunner timedCommandRunner() {
			return new StepProfile.TimedRunner(new io.rocketcri.engine.ProcessCommandRunner());
		}

		@Bean
		static BeanPostProcessor timedDataSource() {
			return new BeanPostProcessor() {
				@Override
				public Object postProcessAfterInitialization(Object bean, String name) {
					if (bean instanceof javax.sql.DataSource ds) {
						return StepProfile.timed(ds);
					}
					if (bean instanceof io.rocketcri.engine.oci.OciRuntime) {
						return StepProfile.timedInterface(io.rocketcri.engine.oci.OciRuntime.class, bean, "[oci] ");
					}
					if (bean instanceof io.rocketcri.engine.HostOs) {
						return StepProfile.timedInterface(io.rocketcri.engine.HostOs.class, bean, "[host] ");
					}
					if (bean instanceof io.rocketcri.engine.ns.NamespacePinner) {
						return StepProfile.timedInterface(io.rocketcri.engine.ns.NamespacePinner.class, bean, "[pinner] ");
					}
					if (bean instanceof io.rocketcri.network.PodNetwork) {
						return StepProfile.timedInterface(io.rocketcri.network.PodNetwork.class, bean, "[network] ");
					}
					return bean;
				}
			};
		}

	}

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("lifecycle-benchmark");

	static final TestRegistry registry = TestRegistry.shared();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry props) throws Exception {
		runtime.register(props);
		runtime.bridgeNetwork("rocket-bench", "rcri-perf0", "10.232.44.0/24", true);
		runtime.trustRegistry(registry.address());
	}

	@Test
	void lifecycles() throws Exception {
		PushedImage busybox = registry.pusher().push(OciImageBuilder.busybox().build(), TestRegistry.uniqueRepository("bench"), "v1");
		List<Long> pods = new ArrayList<>();
		List<Long> containers = new ArrayList<>();
		List<Long> bare = new ArrayList<>();
		List<Long> plugins = new ArrayList<>();
		List<Long> plainPods = new ArrayList<>();
		List<Long> plainPlugins = new ArrayList<>();
		java.util.Map<String, List<Long>> phases = new java.util.LinkedHashMap<>();
		StepProfile profile = new StepProfile();
		try (CriSocketClient client = new CriSocketClient(runtime.socket())) {
			client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(busybox.reference())).build());
			PodSandboxConfig podConfig = podConfig("ctr");
			String pod = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(podConfig).build()).getPodSandboxId();
			Path bundle = null;
			Path runcRoot = Files.createTempDirectory("bench-runc");
			// Interleaved: each round runs a container, a bare runc and a pod cycle back to back, so
			// that the load of a shared machine weighs on all three alike and the ratios hold.
			// Round -1 only warms up and copies the bundle bare runc runs.
			for (int i = -1; i < ROUNDS; i++) {
				long start = System.nanoTime();
				var step = profile.begin();
				String id = client.runtime()
					.createContainer(CreateContainerRequest.newBuilder()
						.setPodSandboxId(pod)
						.setSandboxConfig(podConfig)
						.setConfig(ContainerConfig.newBuilder()
							.setMetadata(ContainerMetadata.newBuilder().setName("c" + i))
							.setImage(ImageSpec.newBuilder().setImage(busybox.reference()))
							.addCommand("sleep")
							.addCommand("3600"))
						.build())
					.getContainerId();
				long created = System.nanoTime();
				profile.end("container create", step);
				step = profile.begin();
				client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
				long started = System.nanoTime();
				profile.end("container start", step);
				if (bundle == null) {
					bundle = BareRunc.copyBundle(client, id, "/rocket-cri-bench/bare");
				}
				long beforeStop = System.nanoTime();
				step = profile.begin();
				client.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(0).build());
				long stopped = System.nanoTime();
				profile.end("container stop", step);
				step = profile.begin();
				client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
				long removed = System.nanoTime();
				profile.end("container remove", step);
				if (i < 0) {
					continue;
				}
				phases.computeIfAbsent("create", k -> new ArrayList<>()).add(created - start);
				phases.computeIfAbsent("start", k -> new ArrayList<>()).add(started - created);
				phases.computeIfAbsent("stop", k -> new ArrayList<>()).add(stopped - beforeStop);
				phases.computeIfAbsent("remove", k -> new ArrayList<>()).add(removed - stopped);
				containers.add(removed - start - (beforeStop - started));
				bare.add(bareCycle(runcRoot, bundle));
				pod(client, profile, "pod", "p" + i, pods, plugins);
				// the same cycle on a plain bridge network: written in front of the other for one
				// RunPodSandbox (which reads the directory), gone before the next; Stop and Remove
				// use the pod's own attachment record
				Files.writeString(PLAIN_CONFLIST, PLAIN_NETWORK);
				try {
					pod(client, profile, "plain pod", "q" + i, plainPods, plainPlugins);
				}
				finally {
					Files.deleteIfExists(PLAIN_CONFLIST);
				}
			}
			client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
			client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
		}
		finally {
			new ProcessBuilder("ip", "link", "del", "rcri-perf0").start().waitFor();
			new ProcessBuilder("ip", "link", "del", "rcri-perf1").start().waitFor();
		}
		report(profile, pods, containers, bare, plugins, phases, plainPods, plainPlugins);
	}

	private static long bareCycle(Path runcRoot, Path bundle) throws Exception {
		String id = "bench-" + UUID.randomUUID();
		long start = System.nanoTime();
		BareRunc.runc(runcRoot, "create", "--bundle", bundle.toString(), id);
				BareRunc.runc(runcRoot, "start", id);
				BareRunc.runc(runcRoot, "kill", id, "KILL");
				BareRunc.runc(runcRoot, "delete", "--force", id);
		return System.nanoTime() - start;
	}

	/**
	 * A plain bridge: the bridge plugin and host-local, no masquerading, no port mappings. Next to
	 * the full network (bridge with {@code ipMasq}, portmap: docker/10-rocket-cri.conflist), it
	 * shows what the masquerade rules and portmap cost on top, all of it in plugin processes.
	 */
	static final Path PLAIN_CONFLIST = runtime.cniConfigDir().resolve("05-plain.conflist");

	static final String PLAIN_NETWORK = """
			{"cniVersion": "1.0.0", "name": "rocket-bench-plain",
			 "plugins": [
			   {"type": "bridge", "bridge": "rcri-perf1", "isGateway": true, "ipMasq": false,
			    "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.232.45.0/24"}]],
			             "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "%s"}}
			 ]}""".formatted(runtime.root().resolve("ipam-plain"));

	private static void pod(CriSocketClient client, StepProfile profile, String label, String name, List<Long> pods,
			List<Long> plugins) {
				long start = System.nanoTime();
				var step = profile.begin();
				var podStart = step;
				String pod = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(podConfig(name)).build()).getPodSandboxId();
				profile.end(label + " run", step);
				step = profile.begin();
				client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
				profile.end(label + " stop", step);
				step = profile.begin();
				client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
				profile.end(label + " remove", step);
				pods.add(System.nanoTime() - start);
				plugins.add(StepProfile.sum(podStart, java.time.Instant.now(),
						what -> what.startsWith("spawn ") && (what.endsWith(" ADD") || what.endsWith(" DEL"))));
	}

	private static void report(StepProfile profile, List<Long> pods, List<Long> containers, List<Long> bare,
			List<Long> plugins, java.util.Map<String, List<Long>> phases, List<Long> plainPods, List<Long> plainPlugins) {
		System.out.printf("%nLIFECYCLE BENCHMARK  %d rounds each%n", ROUNDS);
		print("bare runc create/start/kill/delete", bare);
		print("CRI container create/start/stop/remove", containers);
		phases.forEach((phase, samples) -> print("  CRI container " + phase, samples));
		print("CRI pod run/stop/remove, plain bridge", plainPods);
		print("  of which CNI plugin processes", plainPlugins);
		print("  the rest (rocket-cri's own)", difference(plainPods, plainPlugins));
		print("CRI pod, bridge+ipMasq+portmap", pods);
		print("  of which CNI plugin processes", plugins);
		print("  the rest (rocket-cri's own)", difference(pods, plugins));
		ratio("container / bare runc", containers, bare, 1.3);
		ratio("pod (plain bridge) / bare runc", plainPods, bare, 1.5);
		ratio("pod (ipMasq+portmap) / bare runc", pods, bare, 1.5);
		System.out.printf("  CNI plugins alone / bare runc: plain bridge p50 %.2fx, ipMasq+portmap p50 %.2fx "
				+ "(the plugins' floor under the pod ratios)%n%n", (double) p(plainPlugins, 50) / p(bare, 50),
				(double) p(plugins, 50) / p(bare, 50));
		System.out.printf("STEP PROFILE  (spans started in a step: spawns, H2, fsync; sleeps on any thread)%n%s%n",
				profile.report());
		profile.close();
	}



	private static List<Long> difference(List<Long> totals, List<Long> parts) {
		List<Long> rest = new ArrayList<>();
		for (int i = 0; i < totals.size(); i++) {
			rest.add(totals.get(i) - parts.get(i));
		}
		return rest;
	}

	/** The p50 ratio, and by how much it misses the target, if it does. */
	private static void ratio(String what, List<Long> samples, List<Long> floor, double target) {
		double ratio = (double) p(samples, 50) / p(floor, 50);
		System.out.printf("  %-34s p50 %.2fx  target %.1fx: %s%n", what, ratio, target,
				ratio <= target ? "met" : "MISSED by %.0f%%".formatted((ratio / target - 1) * 100));
	}

	private static PodSandboxConfig podConfig(String name) {
		return PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("bench").setUid(UUID.randomUUID().toString()))
			.setHostname(name)
			// as kubelet sends it for a pod without shareProcessNamespace: no shared PID namespace
			.setLinux(LinuxPodSandboxConfig.newBuilder()
				.setCgroupParent("/rocket-cri-bench")
				.setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
					.setNamespaceOptions(NamespaceOption.newBuilder().setPid(NamespaceMode.CONTAINER))))
			.build();
	}

	private static void print(String what, List<Long> samples) {
		System.out.printf("  %-42s p50 %7.1f ms   p99 %7.1f ms%n", what, p(samples, 50) / 1e6, p(samples, 99) / 1e6);
	}

	private static long p(List<Long> samples, int percentile) {
		List<Long> sorted = samples.stream().sorted().toList();
		int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
	}

}
