package io.rocketcri.console.web;

import java.util.Optional;

import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerState;
import io.rocketcri.image.PullFailure;
import io.rocketcri.node.RuntimeCondition;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The troubleshooting rules: what an exit, a pull failure and the pod's network say. */
class DiagnosisTest {

	static final RuntimeCondition NETWORK_OK = new RuntimeCondition(RuntimeCondition.NETWORK_READY, true, "", "");

	PodSandbox pod = ConsoleFixtures.pod("p1", "web", "shop", PodSandboxState.READY);

	@ParameterizedTest
	@CsvSource({ "0, Completed, completed", "1, Error, the program failed (Error)", "127, Error, command not found",
			"126, Error, cannot be executed", "137, Error, killed (SIGKILL)", "143, Error, terminated (SIGTERM)",
			"130, Error, killed by signal 2", "137, OOMKilled, OOM killer" })
	void exitCodesAreExplained(int code, String reason, String meaning) {
		Container c = ConsoleFixtures.container("c1", pod, "app", ContainerState.EXITED, code, reason);
		Diagnosis d = Diagnosis.of(c, pod, Optional.empty(), NETWORK_OK, Optional.empty());
		assertThat(d.headline()).contains("exited with code " + code).contains(meaning);
		assertThat(d.failed()).isEqualTo(code != 0 || reason.equals("OOMKilled"));
	}

	@Test
	void anOomKillNamesTheMemoryLimit() {
		Container c = ConsoleFixtures.container("c1", pod, "app", ContainerState.EXITED, 137, "OOMKilled");
		Diagnosis d = Diagnosis.of(c, pod, Optional.empty(), NETWORK_OK, Optional.empty());
		assertThat(d.facts()).anySatisfy(f -> {
			assertThat(f.label()).isEqualTo("memory limit");
			assertThat(f.text()).contains("64.0MB");
			assertThat(f.bad()).isTrue();
		});
	}

	@Test
	void pullFailurePodNetworkAndNodeNetworkAreFactsOfTheSamePage() {
		PodSandbox stopped = ConsoleFixtures.pod("p2", "web", "shop", PodSandboxState.NOTREADY);
		Container c = ConsoleFixtures.container("c1", stopped, "app", ContainerState.CREATED, 0, "");
		RuntimeCondition noCni = new RuntimeCondition(RuntimeCondition.NETWORK_READY, false, "NetworkPluginNotReady",
				"no network config found in /etc/cni/net.d");
		ConsoleEvent podFailed = new ConsoleEvent("pod", "FAILED", "p0", "web", "web", "shop",
				"running pod sandbox p0 (shop/web): plugin type=\"bridge\" failed (add): no IP addresses available", 1);
		Diagnosis d = Diagnosis.of(c, stopped,
				Optional.of(new PullFailure("registry.test/app:v1", "pulling registry.test/app:v1: manifest unknown",
						java.time.Instant.now())),
				noCni, Optional.of(podFailed));
		assertThat(d.headline()).contains("created but never started");
		assertThat(d.facts()).extracting(Diagnosis.Fact::text)
			.anySatisfy(t -> assertThat(t).contains("manifest unknown"))
			.anySatisfy(t -> assertThat(t).contains("shop/web is NotReady"))
			.anySatisfy(t -> assertThat(t).contains("no IP addresses available"))
			.anySatisfy(t -> assertThat(t).contains("NetworkPluginNotReady"));
	}

	@Test
	void aRunningContainerIsNotAFailure() {
		Container c = ConsoleFixtures.container("c1", pod, "app", ContainerState.RUNNING, 0, "");
		Diagnosis d = Diagnosis.of(c, pod, Optional.empty(), NETWORK_OK, Optional.empty());
		assertThat(d.failed()).isFalse();
		assertThat(d.facts()).noneMatch(Diagnosis.Fact::bad);
	}

}
