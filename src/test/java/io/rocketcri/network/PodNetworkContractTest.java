package io.rocketcri.network;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link PodNetwork} does (see its lifecycle javadoc), the real one and the fake alike. */
abstract class PodNetworkContractTest {

	abstract PodNetwork network();

	/** A request for a pod whose network namespace exists. */
	abstract PodNetworkRequest pod(String name) throws Exception;

	@Test
	void setUpGivesThePodAnAddressOnEth0() throws Exception {
		NetworkAttachment attachment = network().setUp(pod("a"));

		assertThat(attachment.interfaceName()).isEqualTo("eth0");
		assertThat(attachment.primaryIp()).isPresent();
		assertThat(attachment.primaryIp().orElseThrow()).doesNotContain("/");
	}

	@Test
	void aRepeatedSetUpReturnsTheSameAttachment() throws Exception {
		PodNetworkRequest pod = pod("b");

		assertThat(network().setUp(pod)).isEqualTo(network().setUp(pod));
	}

	@Test
	void twoPodsGetDifferentAddresses() throws Exception {
		assertThat(network().setUp(pod("c1")).ips()).doesNotContainAnyElementsOf(network().setUp(pod("c2")).ips());
	}

	@Test
	void tearDownMayBeRepeatedAndWorksWithoutTheNamespace() throws Exception {
		PodNetworkRequest pod = pod("d");
		network().setUp(pod);

		network().tearDown(pod);
		network().tearDown(pod);
		network().tearDown(pod.withNetns(null));
	}

	@Test
	void tearDownOfAPodNeverSetUpSucceeds() throws Exception {
		network().tearDown(new PodNetworkRequest("never-set-up", "n", "ns", "u", null, List.of(), Map.of(), ""));
	}

	@Test
	void setUpWithoutANamespaceFails() throws Exception {
		assertThatThrownBy(() -> network().setUp(pod("e").withNetns(null))).isInstanceOf(NetworkException.class);
	}

	@Test
	void aPodCanBeSetUpAgainAfterTearDown() throws Exception {
		PodNetworkRequest pod = pod("f");
		network().setUp(pod);
		network().tearDown(pod);

		assertThat(network().setUp(pod).primaryIp()).isPresent();
	}

	@Test
	void statusIsReadyWhenConfigured() {
		assertThat(network().status().ready()).isTrue();
		assertThat(network().status().reason()).isEmpty();
	}

}
