package io.rocketcri.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;

import io.rocketcri.RocketCriApplication;
import io.rocketcri.cri.api.ContainerState;
import io.rocketcri.cri.api.ContainerStatusRequest;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.ListContainersRequest;
import io.rocketcri.cri.api.ListPodSandboxRequest;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.cri.api.RemoveImageRequest;
import io.rocketcri.cri.api.StartContainerRequest;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.LayerBuilder;
import io.rocketcri.testsupport.OciImageBuilder;
import io.rocketcri.testsupport.RuntimeUnderTest;
import io.rocketcri.testsupport.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boot reconciliation, one crash point at a time: the runtime is stopped, its database is put in
 * the state a kill -9 at that point leaves (the host effects done, the row not yet updated), and
 * the restarted runtime must finish or clean up. The churn test ({@link KillNineChurnHostTest})
 * finds these by chance; here each is forced.
 */
@Tag("host")
class BootReconciliationHostTest {

	static final String BRIDGE = "rcri-rel1";

	static final String CGROUP_PARENT = "/rocket-cri-rel-boot";

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("boot");

	static final PodFixtures fixtures = new PodFixtures(runtime.root().getParent().resolve("logs"), CGROUP_PARENT);

	static String busybox;

	@BeforeAll
	static void setUp() {
		TestRegistry registry = TestRegistry.shared();
		runtime.bridgeNetwork("rocket-rel-boot", BRIDGE, "10.232.43.0/24", false);
		runtime.trustRegistry(registry.address());
		busybox = registry.pusher().push(OciImageBuilder.busybox().build(), TestRegistry.uniqueRepository("boot"), "v1")
			.reference();
	}

	@AfterAll
	static void tearDown() {
		ForceClean.all(runtime);
		PodFixtures.cleanHost(runtime.state(), CGROUP_PARENT, BRIDGE);
	}

	@Test
	void aPodCaughtInRunPodSandboxIsCleanedUpAndItsNameFreed() throws Exception {
		String podId;
		PodSandboxConfig config = fixtures.pod("half-pod", false, true); // network and an infra process
		try (Running r = start()) {
			podId = PodFixtures.run(r.client, config);
		}
		// a crash after CNI ADD and the infra process, before any of it was recorded
		sql("UPDATE pod_sandbox SET state = 'CREATING', network_ready = FALSE, ips = NULL, netns_path = NULL, "
				+ "ipc_path = NULL, uts_path = NULL, infra_id = NULL, infra_pid = NULL WHERE id = '" + podId + "'");
		try (Running r = start()) {
			assertThat(r.client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList())
				.as("pods after the restart").isEmpty();
			HostInventory host = KillNineChurnHostTest.awaitSettled(runtime, CGROUP_PARENT, inv -> inv.leftovers().isEmpty());
			assertThat(host.leftovers()).as("host objects of the half-made pod").isEmpty();
			// kubelet's retry with the same metadata gets a new, working pod
			String retried = PodFixtures.run(r.client, config);
			assertThat(retried).isNotEqualTo(podId);
			PodFixtures.removeAll(r.client);
		}
	}

	@Test
	void aContainerCaughtInCreateContainerIsCleanedUpAndItsNameFreed() throws Exception {
		String podId;
		String containerId;
		PodSandboxConfig config = fixtures.pod("half-ctr", true, false);
		try (Running r = start()) {
			pull(r);
			podId = PodFixtures.run(r.client, config);
			containerId = PodFixtures.rpc(r.client)
				.createContainer(PodFixtures.container(podId, config, "c", busybox, "sleep", "3600")).getContainerId();
		}
		// a crash after runc create, before the row said CREATED
		sql("UPDATE container SET state = 'CREATING' WHERE id = '" + containerId + "'");
		try (Running r = start()) {
			assertThat(r.client.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList())
				.as("containers after the restart").isEmpty();
			HostInventory host = KillNineChurnHostTest.awaitSettled(runtime, CGROUP_PARENT,
					inv -> !inv.conmons().contains(containerId) && inv.rootfsMounts().isEmpty());
			assertThat(host.conmons()).doesNotContain(containerId);
			assertThat(host.rootfsMounts()).isEmpty();
			assertThat(host.bundles()).doesNotContain(containerId);
			assertThat(host.runcStates()).doesNotContain(containerId);
			String retried = PodFixtures.rpc(r.client)
				.createContainer(PodFixtures.container(podId, config, "c", busybox, "sleep", "3600")).getContainerId();
			assertThat(retried).isNotEqualTo(containerId);
			PodFixtures.removeAll(r.client);
			assertThat(KillNineChurnHostTest.awaitSettled(runtime, CGROUP_PARENT, inv -> inv.leftovers().isEmpty())
				.leftovers()).isEmpty();
		}
	}

	@Test
	void aStartCutOffAfterRuncStartIsFinishedFromWhatRuncAndConmonSay() throws Exception {
		PodSandboxConfig config = fixtures.pod("half-start", true, false);
		String sleeper;
		String quitter;
		try (Running r = start()) {
			pull(r);
			String podId = PodFixtures.run(r.client, config);
			sleeper = PodFixtures.rpc(r.client)
				.createContainer(PodFixtures.container(podId, config, "sleeper", busybox, "sleep", "3600")).getContainerId();
			quitter = PodFixtures.rpc(r.client)
				.createContainer(PodFixtures.container(podId, config, "quitter", busybox, "sh", "-c", "exit 7"))
				.getContainerId();
			PodFixtures.rpc(r.client).startContainer(StartContainerRequest.newBuilder().setContainerId(sleeper).build());
			PodFixtures.rpc(r.client).startContainer(StartContainerRequest.newBuilder().setContainerId(quitter).build());
			awaitFile(runtime.state().resolve("exits").resolve(quitter));
		}
		// a crash after runc start, before the row said RUNNING
		sql("UPDATE container SET state = 'CREATED', started_at = 0, finished_at = 0, exit_code = 0 WHERE id IN ('"
				+ sleeper + "', '" + quitter + "')");
		try (Running r = start()) {
			var sleeping = PodFixtures.rpc(r.client)
				.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(sleeper).build()).getStatus();
			assertThat(sleeping.getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
			assertThat(sleeping.getStartedAt()).isPositive();
			var quit = PodFixtures.rpc(r.client)
				.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(quitter).build()).getStatus();
			assertThat(quit.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
			assertThat(quit.getExitCode()).isEqualTo(7);
			PodFixtures.removeAll(r.client);
		}
	}

	@Test
	void leftoversOfUnknownPodsAllGoEvenWhenOneCannotBeStoppedNormally() throws Exception {
		String podId;
		String infraConmonPid;
		try (Running r = start()) {
			pull(r);
			PodSandboxConfig shared = fixtures.pod("orphan-infra", false, true);
			podId = PodFixtures.run(r.client, shared);
			PodFixtures.rpc(r.client)
				.createContainer(PodFixtures.container(podId, shared, "c", busybox, "sleep", "3600")).getContainerId();
			infraConmonPid = Files.readString(runtime.state().resolve("containers").resolve(podId).resolve("conmon.pid")).strip();
		}
		// the rows are lost and the infra process's conmon died (as when the runtime is killed while
		// conmon waits on it): nobody will write its exit file
		new ProcessBuilder("kill", "-9", infraConmonPid).start().waitFor();
		sql("DELETE FROM container WHERE pod_id = '" + podId + "'");
		sql("DELETE FROM pod_sandbox WHERE id = '" + podId + "'");
		try (Running r = start()) {
			HostInventory host = KillNineChurnHostTest.awaitSettled(runtime, CGROUP_PARENT, inv -> inv.leftovers().isEmpty());
			assertThat(host.leftovers()).as("leftovers of the unknown pod").isEmpty();
		}
	}

	@Test
	void garbageOfCutOffPullsGoesAtBootAndLayersInUseStay() throws Exception {
		TestRegistry registry = TestRegistry.shared();
		String removedButInUse = registry.pusher()
			.push(OciImageBuilder.busybox().layer(LayerBuilder.create().file("/marker", "in use")).build(),
					TestRegistry.uniqueRepository("boot-gc"), "v1")
			.reference();
		PodSandboxConfig config = fixtures.pod("gc", true, false);
		String containerId;
		try (Running r = start()) {
			pull(r);
			r.client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(removedButInUse)).build());
			String podId = PodFixtures.run(r.client, config);
			containerId = PodFixtures.rpc(r.client)
				.createContainer(PodFixtures.container(podId, config, "c", removedButInUse, "cat", "/marker")).getContainerId();
			// the image goes, the container stays: its layers must stay too
			r.client.images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(removedButInUse)).build());
		}
		Set<String> snapshotsBefore = names(runtime.root().resolve("snapshots"));
		Set<String> blobsBefore = names(runtime.root().resolve("content/blobs/sha256"));
		// what a pull cut off by a crash leaves: a snapshot without a layer record, a layer record
		// without an image, a blob nothing references
		String orphanSnapshot = "a".repeat(64);
		String orphanLayer = "b".repeat(64);
		String orphanBlob = "c".repeat(64);
		Files.createDirectories(runtime.root().resolve("snapshots").resolve(orphanSnapshot).resolve("fs/etc"));
		Files.createDirectories(runtime.root().resolve("snapshots").resolve(orphanLayer).resolve("fs"));
		Files.writeString(runtime.root().resolve("content/blobs/sha256").resolve(orphanBlob), "dangling");
		sql("INSERT INTO layer (chain_id, diff_id, blob_digest, blob_size, disk_bytes, disk_inodes) VALUES ('sha256:"
				+ orphanLayer + "', 'sha256:" + orphanLayer + "', 'sha256:" + orphanBlob + "', 8, 0, 1)");
		try (Running r = start()) {
			assertThat(names(runtime.root().resolve("snapshots"))).as("snapshots after the boot's collection")
				.isEqualTo(snapshotsBefore);
			assertThat(names(runtime.root().resolve("content/blobs/sha256"))).as("blobs after the boot's collection")
				.isSubsetOf(blobsBefore)
				.doesNotContain(orphanBlob);
			// the container of the removed image still runs from its layers
			PodFixtures.rpc(r.client).startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
			awaitFile(runtime.state().resolve("exits").resolve(containerId));
			var status = PodFixtures.rpc(r.client)
				.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(containerId).build()).getStatus();
			assertThat(status.getExitCode()).as("cat /marker from the removed image's layer").isZero();
			PodFixtures.removeAll(r.client);
		}
	}

	private static Set<String> names(Path dir) throws java.io.IOException {
		try (var list = Files.list(dir)) {
			return list.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
		}
	}

	private static void pull(Running r) {
		r.client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(busybox)).build());
	}

	/** Changes the stopped runtime's database, as a crash at some point would have left it. */
	private static void sql(String statement) throws Exception {
		String url = DatabaseSurvivesKillTest.configuredUrl(runtime.root());
		try (Connection db = DriverManager.getConnection(url, "sa", ""); Statement s = db.createStatement()) {
			assertThat(s.executeUpdate(statement)).as(statement).isPositive();
		}
	}

	private static void awaitFile(Path file) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!Files.exists(file) && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(file).exists();
	}

	private static Running start() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(RocketCriApplication.class).run(
				"--rocket.root=" + runtime.root(), "--rocket.state=" + runtime.state(),
				"--rocket.cri.socket=unix://" + runtime.socket(),
				"--rocket.image.registries-config=" + runtime.registriesConf(),
				"--rocket.network.cni-config-dir=" + runtime.cniConfigDir(), "--server.port=0");
		return new Running(context, new CriSocketClient(runtime.socket()));
	}

	record Running(ConfigurableApplicationContext context, CriSocketClient client) implements AutoCloseable {

		@Override
		public void close() throws Exception {
			client.close();
			context.close();
		}

	}

}
