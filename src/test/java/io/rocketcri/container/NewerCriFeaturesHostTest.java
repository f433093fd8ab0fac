package io.rocketcri.container;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.rocketcri.cri.api.CDIDevice;
import io.rocketcri.cri.api.ContainerStatus;
import io.rocketcri.cri.api.ExecSyncResponse;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.Int64Value;
import io.rocketcri.cri.api.LinuxContainerConfig;
import io.rocketcri.cri.api.LinuxContainerSecurityContext;
import io.rocketcri.cri.api.LinuxPodSandboxConfig;
import io.rocketcri.cri.api.LinuxSandboxSecurityContext;
import io.rocketcri.cri.api.NamespaceMode;
import io.rocketcri.cri.api.Mount;
import io.rocketcri.cri.api.NamespaceOption;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.cri.api.RemoveContainerRequest;
import io.rocketcri.cri.api.RunPodSandboxRequest;
import io.rocketcri.cri.api.StatusRequest;
import io.rocketcri.cri.api.SupplementalGroupsPolicy;
import io.rocketcri.testsupport.CriPods;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.LayerBuilder;
import io.rocketcri.testsupport.OciImageBuilder;
import io.rocketcri.testsupport.PushedImage;
import io.rocketcri.testsupport.RuntimeUnderTest;
import io.rocketcri.testsupport.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CRI features kubelet 1.33+ sends, on real containers: supplemental groups policy and the
 * effective user in ContainerStatus, recursive read-only mounts, CDI devices, image volumes. Pods use the host network, so no CNI is involved.
 */
@Tag("host")
@SpringBootTest
class NewerCriFeaturesHostTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("newer-cri");

	static final TestRegistry registry = TestRegistry.shared();

	static CriSocketClient client;

	static CriPods pods;

	static PushedImage image;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry props) {
		runtime.register(props);
		runtime.trustRegistry(registry.address());
		props.add("rocket.cdi.spec-dirs", () -> runtime.root().resolve("cdi").toString());
		// user-namespaced pods need a network of their own (a host-network userns pod is refused)
		runtime.bridgeNetwork("newer-cri", BRIDGE, "10.232.43.0/24", false);
		// a container's root is an unprivileged uid on the host, which must reach its root file system
		try {
			Files.setPosixFilePermissions(runtime.root().getParent(), java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	static final String BRIDGE = "rcri-new0";

	@BeforeAll
	static void connect() {
		client = new CriSocketClient(runtime.socket());
		pods = new CriPods(client, runtime, "newer-cri");
	}

	@AfterAll
	static void close() throws Exception {
		client.close();
		new ProcessBuilder("ip", "link", "del", BRIDGE).start().waitFor();
	}

	/** The socket is up only once the Spring context is: JUnit's BeforeAll runs before it. */
	@BeforeEach
	void pushImageOnce() {
		if (image == null) {
			// user app (1000) is listed in group extra (5000) by the image's /etc/group
			image = registry.pusher()
				.push(OciImageBuilder.busybox()
					.layer(LayerBuilder.create()
						.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n")
						.file("etc/group", "root:x:0:\napp:x:1000:\nextra:x:5000:app\n"))
					.cmd("sh")
					.build(), TestRegistry.uniqueRepository("newer-cri"), "v1");
			client.images()
				.pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image.reference())).build());
		}
	}

	@Test
	void statusAdvertisesSupplementalGroupsPolicy() {
		assertThat(client.runtime().status(StatusRequest.getDefaultInstance()).getFeatures().getSupplementalGroupsPolicy())
			.isTrue();
	}

	@Test
	void mergeAddsTheImagesGroupsAndStrictDoesNotAndStatusSaysWhichApplied() throws Exception {
		PodSandboxConfig pod = hostNetworkPod("groups");
		String podId = pods.run(pod);
		try {
			String merge = startSleeper(podId, pod, "merge", sc -> sc.setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Merge));
			String strict = startSleeper(podId, pod, "strict", sc -> sc.setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Strict));

			ContainerStatus mergeStatus = status(merge);
			assertThat(mergeStatus.getUser().getLinux().getUid()).isEqualTo(1000);
			assertThat(mergeStatus.getUser().getLinux().getGid()).isEqualTo(1000);
			assertThat(mergeStatus.getUser().getLinux().getSupplementalGroupsList()).contains(1000L, 5000L, 6000L);
			assertThat(exec(merge, "id", "-G").getStdout().toStringUtf8().strip().split(" ")).contains("1000", "5000", "6000");

			ContainerStatus strictStatus = status(strict);
			assertThat(strictStatus.getUser().getLinux().getSupplementalGroupsList()).contains(1000L, 6000L)
				.doesNotContain(5000L);
			assertThat(exec(strict, "id", "-G").getStdout().toStringUtf8().strip().split(" ")).contains("1000", "6000")
				.doesNotContain("5000");
		}
		finally {
			pods.remove(podId);
		}
	}

	@Test
	void recursiveReadOnlyMountsAreReadOnlyAllTheWayDownAndLeaveNoMountBehind() throws Exception {
		assertThat(client.runtime().status(StatusRequest.getDefaultInstance()).getRuntimeHandlers(0).getFeatures()
			.getRecursiveReadOnlyMounts()).as("this kernel has mount_setattr").isTrue();
		Path volume = Files.createDirectories(runtime.root().resolve("rro-volume"));
		Path sub = Files.createDirectories(volume.resolve("sub"));
		run("mount", "-t", "tmpfs", "rro-test", sub.toString());
		PodSandboxConfig pod = hostNetworkPod("rro");
		String podId = pods.run(pod);
		try {
			String id = pods.sleeper(podId, pod, "rro", image.reference(), c -> c
				.addMounts(Mount.newBuilder().setContainerPath("/plain").setHostPath(volume.toString()).setReadonly(true))
				.addMounts(Mount.newBuilder()
					.setContainerPath("/rro")
					.setHostPath(volume.toString())
					.setReadonly(true)
					.setRecursiveReadOnly(true)));
			assertThat(Files.readString(Path.of("/proc/self/mountinfo")))
				.as("no staging mount left on the host to keep the volume's submounts busy")
				.doesNotContain(runtime.state().resolve("rro").toString());

			assertThat(exec(id, "touch", "/plain/sub/w").getExitCode()).as("a plain ro bind leaves submounts writable")
				.isZero();
			ExecSyncResponse deep = exec(id, "touch", "/rro/sub/x");
			assertThat(deep.getExitCode()).isNotZero();
			assertThat(deep.getStderr().toStringUtf8()).contains("Read-only file system");
			assertThat(exec(id, "touch", "/rro/y").getExitCode()).isNotZero();
			assertThat(exec(id, "cat", "/rro/sub/w").getExitCode()).as("the same files, read-only").isZero();

			client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
			assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(runtime.state().resolve("rro").toString());
			assertThat(runtime.state().resolve("rro").resolve(id)).doesNotExist();
		}
		finally {
			pods.remove(podId);
			run("umount", sub.toString());
		}
	}

	@Test
	void recursiveReadOnlyNeedsReadOnlyAndPrivatePropagation() {
		PodSandboxConfig pod = hostNetworkPod("rro-bad");
		String podId = pods.run(pod);
		try {
			assertThatThrownBy(() -> pods.create(podId, pod, "bad", image.reference(), c -> c.addMounts(Mount.newBuilder().setContainerPath("/rro").setHostPath("/tmp").setRecursiveReadOnly(true))))
				.isInstanceOfSatisfying(StatusRuntimeException.class, ex -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
					assertThat(ex.getStatus().getDescription()).contains("recursive_read_only").contains("readonly");
				});
		}
		finally {
			pods.remove(podId);
		}
	}

	@Test
	void aCdiDeviceBringsItsNodeMountAndEnvironmentAndAnUnknownOneIsRefused() throws Exception {
		Path data = Files.createDirectories(runtime.root().resolve("cdi-driver"));
		Files.writeString(data.resolve("version"), "driver 1.2\n");
		Files.createDirectories(runtime.root().resolve("cdi"));
		Files.writeString(runtime.root().resolve("cdi/test.yaml"), """
				cdiVersion: "0.6.0"
				kind: rocket.test/fake
				devices:
				  - name: dev0
				    containerEdits:
				      deviceNodes:
				        - path: /dev/fake0
				          hostPath: /dev/null
				      mounts:
				        - hostPath: %s
				          containerPath: /opt/driver
				          options: [ro, bind]
				      env: [FAKE_DEVICE=dev0]
				""".formatted(data));
		PodSandboxConfig pod = hostNetworkPod("cdi");
		String podId = pods.run(pod);
		try {
			String id = pods.sleeper(podId, pod, "cdi", image.reference(), c -> c
				.addCDIDevices(CDIDevice.newBuilder().setName("rocket.test/fake=dev0")));
			assertThat(exec(id, "stat", "-c", "%F %t:%T", "/dev/fake0").getStdout().toStringUtf8().strip())
				.isEqualTo("character special file 1:3");
			assertThat(exec(id, "sh", "-c", "echo hi > /dev/fake0").getExitCode()).as("/dev/null is writable").isZero();
			assertThat(exec(id, "cat", "/opt/driver/version").getStdout().toStringUtf8()).isEqualTo("driver 1.2\n");
			assertThat(exec(id, "touch", "/opt/driver/x").getExitCode()).as("mounted ro").isNotZero();
			assertThat(exec(id, "env").getStdout().toStringUtf8()).contains("FAKE_DEVICE=dev0");

			assertThatThrownBy(() -> pods.create(podId, pod, "cdi-unknown", image.reference(), c -> c.addCDIDevices(CDIDevice.newBuilder().setName("rocket.test/fake=dev9"))))
				.isInstanceOfSatisfying(StatusRuntimeException.class, ex -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
					assertThat(ex.getStatus().getDescription()).contains("rocket.test/fake=dev9");
				});
		}
		finally {
			pods.remove(podId);
		}
	}

	@Test
	void anImageVolumeShowsTheImagesFilesReadOnlyAndOutlivesRemoveImage() throws Exception {
		PushedImage data = registry.pusher()
			.push(OciImageBuilder.scratch()
				.layer(LayerBuilder.create().file("data/hello.txt", "hello from layer one\n"))
				.layer(LayerBuilder.create().file("data/more/second.txt", "two\n"))
				.build(), TestRegistry.uniqueRepository("volume"), "v1");
		client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(data.reference())).build());
		PodSandboxConfig pod = hostNetworkPod("image-volume");
		String podId = pods.run(pod);
		try {
			String id = pods.sleeper(podId, pod, "reader", image.reference(), c -> c
				.addMounts(Mount.newBuilder().setContainerPath("/vol").setImage(ImageSpec.newBuilder().setImage(data.reference())))
				.addMounts(Mount.newBuilder()
					.setContainerPath("/more")
					.setImage(ImageSpec.newBuilder().setImage(data.reference()))
					.setImageSubPath("data/more")));
			assertThat(exec(id, "cat", "/vol/data/hello.txt", "/vol/data/more/second.txt").getStdout().toStringUtf8())
				.isEqualTo("hello from layer one\ntwo\n");
			assertThat(exec(id, "cat", "/more/second.txt").getStdout().toStringUtf8()).isEqualTo("two\n");
			ExecSyncResponse write = exec(id, "touch", "/vol/data/new");
			assertThat(write.getExitCode()).isNotZero();
			assertThat(write.getStderr().toStringUtf8()).contains("Read-only file system");

			client.images().removeImage(io.rocketcri.cri.api.RemoveImageRequest.newBuilder()
				.setImage(ImageSpec.newBuilder().setImage(data.reference()))
				.build());
			assertThat(exec(id, "cat", "/vol/data/hello.txt").getExitCode()).as("layers stay while the volume is in use")
				.isZero();

			client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
			assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(id);
		}
		finally {
			pods.remove(podId);
		}
	}

	@Test
	void imageVolumesThatAreMissingOrEscapeAreRefusedNamingTheMount() {
		PodSandboxConfig pod = hostNetworkPod("image-volume-bad");
		String podId = pods.run(pod);
		try {
			assertThatThrownBy(() -> createWithMount(podId, pod, "missing",
					Mount.newBuilder().setContainerPath("/vol").setImage(ImageSpec.newBuilder().setImage("127.0.0.1:1/none:v1"))))
				.isInstanceOfSatisfying(StatusRuntimeException.class, ex -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
					assertThat(ex.getStatus().getDescription()).contains("mounts[0].image");
				});
			assertThatThrownBy(() -> createWithMount(podId, pod, "escape", Mount.newBuilder()
				.setContainerPath("/vol")
				.setImage(ImageSpec.newBuilder().setImage(image.reference()))
				.setImageSubPath("../../etc")))
				.isInstanceOfSatisfying(StatusRuntimeException.class, ex -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
					assertThat(ex.getStatus().getDescription()).contains("mounts[0].image_sub_path");
				});
			assertThatThrownBy(() -> createWithMount(podId, pod, "absent", Mount.newBuilder()
				.setContainerPath("/vol")
				.setImage(ImageSpec.newBuilder().setImage(image.reference()))
				.setImageSubPath("no/such/dir")))
				.isInstanceOfSatisfying(StatusRuntimeException.class, ex -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
					assertThat(ex.getStatus().getDescription()).contains("does not exist");
				});
			assertThat(Files.exists(runtime.root().resolve("containers")) ? runtime.root().resolve("containers").toFile().list()
					: new String[0]).as("nothing left of the refused containers").isEmpty();
		}
		finally {
			pods.remove(podId);
		}
	}

	static String createWithMount(String podId, PodSandboxConfig pod, String name, Mount.Builder mount) {
		return pods.create(podId, pod, name, image.reference(), c -> c.addMounts(mount));
	}

	@Test
	void aPodWithItsOwnUserNamespaceRunsRootAsAnUnprivilegedHostUid() throws Exception {
		assertThat(client.runtime().status(StatusRequest.getDefaultInstance()).getRuntimeHandlers(0).getFeatures()
			.getUserNamespaces()).isTrue();
		PodSandboxConfig pod = usernsPod("userns", NamespaceMode.POD, mapping(0, 200000, 65536));
		String podId = pods.run(pod);
		try {
			String id = pods.sleeper(podId, pod, "userns", image.reference(), c -> c
				.setLinux(LinuxContainerConfig.newBuilder()
					.setSecurityContext(LinuxContainerSecurityContext.newBuilder()
						.setNamespaceOptions(pod.getLinux().getSecurityContext().getNamespaceOptions()))));

			assertThat(exec(id, "cat", "/proc/self/uid_map").getStdout().toStringUtf8().trim().split("\\s+"))
				.containsExactly("0", "200000", "65536");
			assertThat(exec(id, "id", "-u").getStdout().toStringUtf8().strip()).isEqualTo("0");
			assertThat(exec(id, "stat", "-c", "%u:%g", "/bin/busybox", "/").getStdout().toStringUtf8().split("\n"))
				.as("the image's files and the root are root's inside, through id-mapped layers")
				.containsExactly("0:0", "0:0");
			assertThat(exec(id, "touch", "/written-by-root").getExitCode()).isZero();

			int pid = pods.pid(id);
			String uidLine = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
				.filter(l -> l.startsWith("Uid:"))
				.findFirst()
				.orElseThrow();
			assertThat(uidLine.split("\\s+")[1]).as("root inside is uid 200000 on the host").isEqualTo("200000");
			assertThat(Files.getAttribute(runtime.root().resolve("containers").resolve(id).resolve("upper/written-by-root"),
					"unix:uid")).isEqualTo(200000);
		}
		finally {
			pods.remove(podId);
		}
		assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(podId);
	}

	@Test
	void userNamespaceOptionsKubeletNeverSendsAreRefusedNamingTheField() {
		record Case(String what, PodSandboxConfig pod, String mentioned) {
		}
		List<Case> cases = List.of(
				new Case("container mode", usernsPod("u1", NamespaceMode.CONTAINER, mapping(0, 200000, 65536)), "mode"),
				new Case("two mappings", usernsPod("u2", NamespaceMode.POD, mapping(0, 200000, 1000), mapping(1000, 300000, 1000)),
						"exactly one"),
				new Case("root unmapped", usernsPod("u3", NamespaceMode.POD, mapping(1, 200000, 65536)), "container_id"),
				new Case("host root", usernsPod("u4", NamespaceMode.POD, mapping(0, 0, 65536)), "host_id"),
				new Case("host network", usernsPod("u5", NamespaceMode.POD, mapping(0, 200000, 65536)).toBuilder()
					.setLinux(LinuxPodSandboxConfig.newBuilder()
						.setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
							.setNamespaceOptions(NamespaceOption.newBuilder()
								.setNetwork(NamespaceMode.NODE)
								.setUsernsOptions(io.rocketcri.cri.api.UserNamespace.newBuilder()
									.setMode(NamespaceMode.POD)
									.addUids(mapping(0, 200000, 65536))
									.addGids(mapping(0, 200000, 65536))))))
					.build(), "host network"));
		for (Case c : cases) {
			assertThatThrownBy(() -> client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(c.pod()).build()))
				.as(c.what())
				.isInstanceOfSatisfying(StatusRuntimeException.class, ex -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
					assertThat(ex.getStatus().getDescription()).contains("userns_options").contains(c.mentioned());
				});
		}
	}

	static io.rocketcri.cri.api.IDMapping mapping(int containerId, int hostId, int length) {
		return io.rocketcri.cri.api.IDMapping.newBuilder().setContainerId(containerId).setHostId(hostId).setLength(length).build();
	}

	static PodSandboxConfig usernsPod(String name, NamespaceMode mode, io.rocketcri.cri.api.IDMapping... mappings) {
		return PodSandboxConfig.newBuilder()
			.setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("newer-cri").setUid(UUID.randomUUID().toString()))
			.setHostname(name)
			.setLogDirectory(runtime.root().resolve("logs/" + name).toString())
			.setLinux(LinuxPodSandboxConfig.newBuilder()
				.setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
					.setNamespaceOptions(NamespaceOption.newBuilder()
						.setUsernsOptions(io.rocketcri.cri.api.UserNamespace.newBuilder()
							.setMode(mode)
							.addAllUids(List.of(mappings))
							.addAllGids(List.of(mappings))))))
			.build();
	}

	static void run(String... argv) throws Exception {
		Process p = new ProcessBuilder(argv).inheritIO().start();
		assertThat(p.waitFor()).as(String.join(" ", argv)).isZero();
	}

	static PodSandboxConfig hostNetworkPod(String name) {
		return pods.hostNetworkPod(name);
	}

	static String startSleeper(String podId, PodSandboxConfig pod, String name,
			UnaryOperator<LinuxContainerSecurityContext.Builder> security) {
		LinuxContainerSecurityContext.Builder sc = LinuxContainerSecurityContext.newBuilder()
			.setRunAsUser(Int64Value.newBuilder().setValue(1000))
			.addSupplementalGroups(6000);
		return pods.sleeper(podId, pod, name, image.reference(),
				c -> c.setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(security.apply(sc))));
	}

	static ContainerStatus status(String id) {
		return pods.status(id);
	}

	static ExecSyncResponse exec(String id, String... cmd) {
		return pods.exec(id, cmd);
	}

}
