package io.rocketcri.engine.ns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.rocketcri.engine.CommandRunner;
import io.rocketcri.engine.CommandRunner.Command;
import io.rocketcri.engine.HostOs;
import io.rocketcri.engine.LinuxHostOs;
import io.rocketcri.engine.ProcessCommandRunner;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Real namespaces: needs root and util-linux. Everything is pinned under a temporary state root. */
@Tag("host")
class UnsharePinnerHostTest extends NamespacePinnerContractTest {

	private static final CommandRunner RUNNER = new ProcessCommandRunner();

	private static final HostOs HOST = new LinuxHostOs();

	private static Path stateRoot;

	private static UnsharePinner pinner;

	@BeforeAll
	static void createStateRoot() throws IOException {
		stateRoot = Files.createTempDirectory("rcri-test-state");
		pinner = new UnsharePinner(stateRoot, RUNNER, HOST);
	}

	@AfterAll
	static void removeStateRoot() throws IOException {
		Path ns = stateRoot.resolve("ns");
		if (MountTable.current().isMountPoint(ns.toRealPath())) {
			HOST.unmount(ns.toRealPath(), HostOs.MNT_DETACH);
		}
		try (Stream<Path> files = Files.walk(stateRoot)) {
			for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(p);
			}
		}
		assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(stateRoot.toString());
	}

	@Override
	NamespacePinner pinner() {
		return pinner;
	}

	@Override
	String podId(String name) {
		return "rcri-test-" + name;
	}

	private static String run(String... argv) throws IOException {
		return RUNNER.check(Command.of(argv)).stdoutText().strip();
	}

	@Test
	void theNetworkNamespaceIsNewAndHasOnlyLoopback() throws IOException {
		PinnedNamespaces pinned = pinner.pin(podId("net"), ALL, "pod-net");
		Path net = pinned.path(NamespaceType.NET).orElseThrow();

		String links = run("nsenter", "--net=" + net, "ip", "-o", "link", "show");

		assertThat(links.lines()).hasSize(1);
		assertThat(links).contains(": lo:");
		assertThat(run("readlink", "/proc/self/ns/net")).isNotEqualTo(run("nsenter", "--net=" + net, "readlink",
				"/proc/self/ns/net"));
	}

	@Test
	void loopbackIsUpInTheNewNetworkNamespaceAndTheRuntimeStaysInItsOwn() throws IOException {
		Path own = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net"));
		PinnedNamespaces pinned = pinner.pin(podId("lo"), EnumSet.of(NamespaceType.NET, NamespaceType.UTS), "lo-pod");
		Path net = pinned.path(NamespaceType.NET).orElseThrow();

		assertThat(run("nsenter", "--net=" + net, "ip", "-o", "link", "show", "lo")).contains("LOOPBACK,UP");
		assertThat(Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net"))).isEqualTo(own);
		assertThat(Files.readSymbolicLink(Path.of("/proc/self/ns/net"))).isEqualTo(own);
		pinner.unpin(pinned);
	}

	@Test
	void theHostnameIsSetInsideTheUtsNamespaceOnly() throws IOException {
		String hostHostname = run("hostname");
		PinnedNamespaces pinned = pinner.pin(podId("uts"), EnumSet.of(NamespaceType.UTS), "my-pod.example");

		assertThat(run("nsenter", "--uts=" + pinned.path(NamespaceType.UTS).orElseThrow(), "hostname"))
			.isEqualTo("my-pod.example");
		assertThat(run("hostname")).isEqualTo(hostHostname);
	}

	@Test
	void aUserNamespaceMapsRootToTheGivenRangeAndOwnsThePodsOtherNamespaces() throws IOException {
		IdMapping ids = new IdMapping(0, 310000, 65536);
		PinnedNamespaces pinned = pinner.pinInUserNamespace(podId("userns"), ALL, "userns-pod", ids, ids);
		String user = "--user=" + pinned.path(NamespaceType.USER).orElseThrow();

		assertThat(run("nsenter", user, "cat", "/proc/self/uid_map").trim().split("\\s+")).containsExactly("0", "310000",
				"65536");
		assertThat(run("nsenter", user, "cat", "/proc/self/gid_map").trim().split("\\s+")).containsExactly("0", "310000",
				"65536");
		assertThat(run("nsenter", "--uts=" + pinned.path(NamespaceType.UTS).orElseThrow(), "hostname")).isEqualTo("userns-pod");
		// the network namespace belongs to the new user namespace: its root may configure it
		assertThat(run("nsenter", user, "--net=" + pinned.path(NamespaceType.NET).orElseThrow(), "--setuid=0", "--setgid=0",
				"ip", "link", "set", "lo", "up")).isEmpty();
		pinner.unpin(pinned);
	}

	@Test
	void pinsAreNsfsMountsUnderAPrivateMountAndUnpinRemovesThem() throws IOException {
		PinnedNamespaces pinned = pinner.pin(podId("mnt"), ALL, "pod-mnt");
		Path root = stateRoot.resolve("ns").toRealPath();

		for (Path pin : pinned.paths().values()) {
			assertThat(pin.startsWith(root)).isTrue();
			assertThat(mountinfoLines(pin)).singleElement().asString().contains(" - nsfs ");
		}
		assertThat(mountinfoLines(root)).singleElement().asString().doesNotContain("shared:");

		pinner.unpin(pinned);

		for (Path pin : pinned.paths().values()) {
			assertThat(mountinfoLines(pin)).isEmpty();
			assertThat(pin).doesNotExist();
		}
		pinner.unpin(pinned);
	}

	@Test
	void aLeftoverFileWithoutMountIsNotAPinAndIsReplaced() throws IOException {
		Path root = stateRoot.resolve("ns");
		pinner.unpin(pinner.pin(podId("warmup"), EnumSet.of(NamespaceType.NET), null));
		Path leftover = Files.createFile(root.resolve("net").resolve(podId("stale")));

		assertThat(pinner.find(podId("stale"))).isEmpty();
		assertThat(pinner.pinnedPodIds()).contains(podId("stale"));

		PinnedNamespaces pinned = pinner.pin(podId("stale"), EnumSet.of(NamespaceType.NET), null);

		assertThat(pinned.path(NamespaceType.NET)).hasValue(leftover.toRealPath());
		assertThat(MountTable.current().isNamespaceFile(leftover.toRealPath())).isTrue();
	}

	@Test
	void sysctlsLandInThePodsNamespacesNotTheHosts() throws IOException {
		String hostPortStart = run("sysctl", "-n", "net.ipv4.ip_unprivileged_port_start");
		String hostShmmni = run("sysctl", "-n", "kernel.shmmni");
		PinnedNamespaces pinned = pinner.pin(podId("sysctl"), ALL, "pod-sysctl");

		new PodSysctls(RUNNER).applySysctls(pinned,
				Map.of("net.ipv4.ip_unprivileged_port_start", "0", "kernel.shmmni", "1234"));

		String net = "--net=" + pinned.path(NamespaceType.NET).orElseThrow();
		String ipc = "--ipc=" + pinned.path(NamespaceType.IPC).orElseThrow();
		assertThat(run("nsenter", net, "sysctl", "-n", "net.ipv4.ip_unprivileged_port_start")).isEqualTo("0");
		assertThat(run("nsenter", ipc, "sysctl", "-n", "kernel.shmmni")).isEqualTo("1234");
		assertThat(run("sysctl", "-n", "net.ipv4.ip_unprivileged_port_start")).isEqualTo(hostPortStart);
		assertThat(run("sysctl", "-n", "kernel.shmmni")).isEqualTo(hostShmmni);
	}

	private static List<String> mountinfoLines(Path mountPoint) throws IOException {
		return Files.readAllLines(Path.of("/proc/self/mountinfo"))
			.stream()
			.filter(line -> line.split(" ")[4].equals(mountPoint.toString()))
			.toList();
	}

}
