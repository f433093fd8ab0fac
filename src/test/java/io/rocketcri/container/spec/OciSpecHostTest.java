package io.rocketcri.container.spec;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.rocketcri.cri.api.Capability;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.Device;
import io.rocketcri.cri.api.LinuxContainerResources;
import io.rocketcri.cri.api.LinuxContainerSecurityContext;
import io.rocketcri.cri.api.Mount;
import io.rocketcri.cri.api.SecurityProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated specs run by the host's runc 1.1.5: what the unit tests assert about the JSON is what
 * runc accepts and the kernel enforces. Needs root, runc and /bin/busybox (busybox-static); the
 * glibc case copies the host's dynamic {@code ls} with its libraries, and compiles a threaded
 * program when gcc is there.
 */
@Tag("host")
class OciSpecHostTest {

	private static final String CGROUP_PARENT = "/rocket-cri-spec-test";

	private static final SecurityProfile RUNTIME_DEFAULT = SecurityProfile.newBuilder()
		.setProfileType(SecurityProfile.ProfileType.RuntimeDefault)
		.build();

	@TempDir
	static Path temp;

	private static Path busyboxRoot;

	private static RuncBundles runc;

	private static HostLimits host;

	private static OciSpecGenerator generator;

	@BeforeAll
	static void setUp() throws Exception {
		Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
		Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "needs /bin/busybox");
		busyboxRoot = busyboxRootfs(temp.resolve("busybox"));
		runc = new RuncBundles(temp);
		String status = Files.readString(Path.of("/proc/self/status"));
		host = new HostLimits(LinuxCapabilities.boundingSetOf(status),
				HostLimits.openFilesHardLimitOf(Files.readString(Path.of("/proc/self/limits"))),
				Files.exists(Path.of("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes")));
		generator = new OciSpecGenerator(new SeccompProfiles(temp.resolve("profiles")), host);
	}

	@AfterAll
	static void tearDown() throws Exception {
		if (runc != null) {
			runc.close();
		}
		// runc removes each container's cgroup; the shared parent is ours to remove.
		try (var controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
			for (Path controller : controllers.toList()) {
				Files.deleteIfExists(controller.resolve(CGROUP_PARENT.substring(1)));
			}
		}
	}

	@Test
	void shellRunsUnderRuntimeDefault() throws Exception {
		RuncBundles.Outcome outcome = run(busyboxRoot, sh("echo ok; ls / > /dev/null; sleep 0.1"),
				seccomp(RUNTIME_DEFAULT));

		assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
		assertThat(outcome.stdout()).isEqualTo("ok\n");
	}

	@Test
	void unshareAndMountAreRefusedUnderRuntimeDefault() throws Exception {
		RuncBundles.Outcome outcome = run(busyboxRoot,
				sh("unshare -U true && echo userns; unshare -m true && echo mountns; "
						+ "mount -t tmpfs none /mnt 2>/dev/null && echo mounted; echo done"),
				seccomp(RUNTIME_DEFAULT));

		assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
		assertThat(outcome.stdout()).isEqualTo("done\n");
		assertThat(outcome.stderr()).contains("Operation not permitted");
	}

	@Test
	void unconfinedContainerMayCreateAUserNamespace() throws Exception {
		// The control for the test above: the kernel alone lets an unprivileged-looking process
		// make a user namespace, so it is the filter that refuses it there.
		RuncBundles.Outcome outcome = run(busyboxRoot, sh("unshare -U true && echo userns"),
				seccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Unconfined).build()));

		assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
		assertThat(outcome.stdout()).isEqualTo("userns\n");
	}

	@Test
	void unshareIsAllowedWhenCapSysAdminIsAdded() throws Exception {
		RuncBundles.Outcome outcome = run(busyboxRoot, sh("unshare -m true && echo mountns"), seccomp(RUNTIME_DEFAULT),
				security((sc) -> sc.setCapabilities(Capability.newBuilder().addAddCapabilities("SYS_ADMIN"))));

		assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
		assertThat(outcome.stdout()).isEqualTo("mountns\n");
	}

	@Test
	void everyCapabilityAddedStillLoadsTheRuntimeDefaultFilter() throws Exception {
		// ALL turns on every capability-gated rule at once, with overlapping names (bpf, syslog,
		// perf_event_open twice); libseccomp must take the duplicates.
		RuncBundles.Outcome outcome = run(busyboxRoot, sh("grep CapEff /proc/self/status"), seccomp(RUNTIME_DEFAULT),
				security((sc) -> sc.setCapabilities(Capability.newBuilder().addAddCapabilities("ALL"))));

		assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
		assertThat(outcome.stdout()).contains(mask(host.capabilities()));
	}

	@Test
	void privilegedContainerGetsExactlyTheRuntimesCapabilities() throws Exception {
		RuncBundles.Outcome outcome = run(busyboxRoot, sh("grep -E '^Cap(Bnd|Eff|Prm)' /proc/self/status"),
				security((sc) -> sc.setPrivileged(true)));

		assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
		String expected = mask(host.capabilities());
		assertThat(outcome.stdout()).isEqualTo(
				"CapPrm:\t" + expected + "\nCapEff:\t" + expected + "\nCapBnd:\t" + expected + "\n");
	}

	@Test
	void defaultContainerGetsTheDefaultCapabilities() throws Exception {
		RuncBundles.Outcome outcome = run(busyboxRoot, sh("grep CapEff /proc/self/status"), seccomp(RUNTIME_DEFAULT));

		assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
		assertThat(outcome.stdout()).isEqualTo("CapEff:\t" + mask(Set.copyOf(CapabilitySets.DEFAULTS)) + "\n");
	}

	@Test
	void httpdServesAndNcFetchesOnLoopback() throws Exception {
		int port;
		try (ServerSocket free = new ServerSocket(0)) {
			port = free.getLocalPort();
		}
		RuncBundles.Outcome outcome = run(busyboxRoot,
				sh("httpd -f -p 127.0.0.1:" + port + " -h /www & sleep 0.5; "
						+ "printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc 127.0.0.1 " + port + "; kill %1"),
				seccomp(RUNTIME_DEFAULT));

		assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
		assertThat(outcome.stdout()).contains("200 OK").contains("hello from busybox");
	}

	@Test
	void nonRootImageUserRunsWithItsGroups() throws Exception {
		RuncBundles.Outcome outcome = run(busyboxRoot,
				new ImageSettings("app", List.of(), List.of(), List.of(), "", "", List.of()), sh("id"),
				seccomp(RUNTIME_DEFAULT));

		assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
		assertThat(outcome.stdout()).isEqualTo("uid=1000(app) gid=1000(app) groups=5(tty),44(video),100(users),1000(app)\n");
	}

	@Test
	void openFilesLimitIsTheRuntimesOwnAtMost() throws Exception {
		RuncBundles.Outcome outcome = run(busyboxRoot, sh("ulimit -n"), seccomp(RUNTIME_DEFAULT));

		assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
		assertThat(outcome.stdout().strip())
			.isEqualTo(String.valueOf(Math.min(OciSpecGenerator.OPEN_FILES, host.openFilesHardLimit())));
	}

	@Test
	void resourcesReachTheCgroupAndANegativeOomScoreIsLeftOut() throws Exception {
		RuncBundles.Outcome positive = run(busyboxRoot,
				sh("cat /proc/self/oom_score_adj /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.shares"),
				(c) -> c.getLinuxBuilder()
					.setResources(LinuxContainerResources.newBuilder()
						.setOomScoreAdj(500)
						.setMemoryLimitInBytes(64L << 20)
						.setCpuShares(256)));
		RuncBundles.Outcome negative = run(busyboxRoot, sh("cat /proc/self/oom_score_adj"),
				(c) -> c.getLinuxBuilder().setResources(LinuxContainerResources.newBuilder().setOomScoreAdj(-997)));

		assertThat(positive.exitCode()).as(positive.toString()).isZero();
		assertThat(positive.stdout()).isEqualTo("500\n" + (64L << 20) + "\n256\n");
		assertThat(negative.exitCode()).as(negative.toString()).isZero();
		assertThat(negative.stdout()).isEqualTo("0\n");
	}

	@Test
	void criDeviceAppearsAndMaskedPathsAreHidden() throws Exception {
		RuncBundles.Outcome outcome = run(busyboxRoot,
				sh("echo x > /dev/sink && echo wrote; wc -c < /proc/keys; touch /proc/sys/kernel/x 2>/dev/null || echo ro"),
				(c) -> c.addDevices(Device.newBuilder().setHostPath("/dev/null").setContainerPath("/dev/sink")
					.setPermissions("rw")));

		assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
		assertThat(outcome.stdout()).as(outcome.toString()).isEqualTo("wrote\n0\nro\n");
	}

	@Test
	void recursiveReadOnlyMountReachesSubmounts() throws Exception {
		Path volume = Files.createDirectories(temp.resolve("rro-volume/sub"));
		exec("mount", "-t", "tmpfs", "rro-sub", volume.toString());
		try {
			Consumer<ContainerConfig.Builder> readonly = (c) -> c.addMounts(
					Mount.newBuilder().setHostPath(volume.getParent().toString()).setContainerPath("/data").setReadonly(true));
			Consumer<ContainerConfig.Builder> recursive = (c) -> c.addMounts(Mount.newBuilder()
				.setHostPath(volume.getParent().toString())
				.setContainerPath("/data")
				.setReadonly(true)
				.setRecursiveReadOnly(true));
			String script = "touch /data/sub/f 2>/dev/null && echo sub-writable || echo sub-readonly";

			RuncBundles.Outcome plain = run(busyboxRoot, sh(script), readonly);
			RuncBundles.Outcome rro = run(busyboxRoot, sh(script), recursive);

			assertThat(plain.stdout()).as(plain.toString()).isEqualTo("sub-writable\n");
			assertThat(rro.exitCode()).as(rro.toString()).isZero();
			assertThat(rro.stdout()).isEqualTo("sub-readonly\n");
		}
		finally {
			exec("umount", volume.toString());
		}
	}

	@Test
	void dynamicGlibcProgramStartsUnderRuntimeDefault() throws Exception {
		Path root = glibcRootfs(temp.resolve("glibc"), Path.of("/usr/bin/ls"));

		RuncBundles.Outcome outcome = run(root, List.of("/usr/bin/ls", "/usr/bin"), seccomp(RUNTIME_DEFAULT));

		assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
		assertThat(outcome.stdout()).isEqualTo("ls\n");
	}

	@Test
	void glibcThreadsForkAndSpawnFallBackFromClone3() throws Exception {
		Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "needs gcc");
		Path source = temp.resolve("threads.c");
		Files.writeString(source, """
				#include <pthread.h>
				#include <spawn.h>
				#include <stdio.h>
				#include <string.h>
				#include <sys/wait.h>
				#include <unistd.h>
				extern char **environ;
				static void *work(void *arg) { return arg; }
				int main(int argc, char **argv) {
				  if (argc > 1 && strcmp(argv[1], "child") == 0) return 3;
				  pthread_t thread; void *result;
				  int rc = pthread_create(&thread, NULL, work, (void *) 42);
				  if (rc != 0) { fprintf(stderr, "pthread_create: %s\\n", strerror(rc)); return 1; }
				  pthread_join(thread, &result);
				  pid_t forked = fork();
				  if (forked == 0) _exit(7);
				  int forkStatus; waitpid(forked, &forkStatus, 0);
				  pid_t spawned; char *args[] = { argv[0], "child", NULL };
				  rc = posix_spawn(&spawned, argv[0], NULL, NULL, args, environ);
				  if (rc != 0) { fprintf(stderr, "posix_spawn: %s\\n", strerror(rc)); return 1; }
				  int spawnStatus; waitpid(spawned, &spawnStatus, 0);
				  printf("%ld %d %d\\n", (long) result, WEXITSTATUS(forkStatus), WEXITSTATUS(spawnStatus));
				  return 0;
				}
				""");
		Path binary = temp.resolve("threads");
		exec("gcc", "-O1", "-pthread", "-o", binary.toString(), source.toString());
		Path root = glibcRootfs(temp.resolve("glibc-threads"), binary);

		RuncBundles.Outcome outcome = run(root, List.of(binary.toString()), seccomp(RUNTIME_DEFAULT));

		assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
		assertThat(outcome.stdout()).isEqualTo("42 7 3\n");
	}

	// --- helpers

	private static List<String> sh(String script) {
		return List.of("/bin/sh", "-c", script);
	}

	private static Consumer<ContainerConfig.Builder> seccomp(SecurityProfile profile) {
		return security((sc) -> sc.setSeccomp(profile));
	}

	private static Consumer<ContainerConfig.Builder> security(Consumer<LinuxContainerSecurityContext.Builder> change) {
		return GeneratorTestSupport.security(change);
	}

	@SafeVarargs
	private static RuncBundles.Outcome run(Path root, List<String> command, Consumer<ContainerConfig.Builder>... changes)
			throws Exception {
		return run(root, ImageSettings.empty(), command, changes);
	}

	@SafeVarargs
	private static RuncBundles.Outcome run(Path root, ImageSettings image, List<String> command,
			Consumer<ContainerConfig.Builder>... changes) throws Exception {
		ContainerConfig.Builder config = SpecFixtures.container().addAllCommand(command);
		for (Consumer<ContainerConfig.Builder> change : changes) {
			change.accept(config);
		}
		String id = RuncBundles.newId();
		SpecInput input = new SpecInput(id, SpecFixtures.SANDBOX_ID, config.build(), SpecFixtures.pod(), image, root,
				podResources());
		return runc.run(id, generator.generate(input));
	}

	/** Host network, IPC and UTS (nothing to pin in a unit of the spec), a hosts file, our cgroup. */
	private static PodResources podResources() {
		return new PodResources(null, null, null, null, busyboxRoot.resolveSibling("hosts"), null, null, null,
				CGROUP_PARENT, "spec-test");
	}

	private static String mask(Set<String> capabilities) {
		long mask = 0;
		for (String cap : capabilities) {
			mask |= 1L << LinuxCapabilities.all().indexOf(cap);
		}
		return String.format("%016x", mask);
	}

	private static Path busyboxRootfs(Path root) throws Exception {
		SpecFixtures.rootfs(root);
		Path bin = Files.createDirectories(root.resolve("bin"));
		Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
		for (String applet : List.of("sh", "echo", "sleep", "cat", "ls", "nc", "httpd", "unshare", "id", "grep",
				"mount", "touch", "wc", "kill", "printf", "true")) {
			Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
		}
		Files.createDirectories(root.resolve("www"));
		Files.writeString(root.resolve("www/index.html"), "hello from busybox\n");
		Files.createDirectories(root.resolve("mnt"));
		Files.writeString(root.resolveSibling("hosts"), "127.0.0.1 localhost\n");
		return root;
	}

	/** A rootfs holding {@code program} and the shared libraries ldd says it loads. */
	private static Path glibcRootfs(Path root, Path program) throws Exception {
		List<Path> files = new ArrayList<>(List.of(program));
		for (String line : exec("ldd", program.toString()).split("\n")) {
			String[] words = line.strip().split("\\s+");
			for (String word : words) {
				if (word.startsWith("/")) {
					files.add(Path.of(word));
				}
			}
		}
		for (Path file : files) {
			Path target = root.resolve(file.toString().substring(1));
			Files.createDirectories(target.getParent());
			Files.copy(file, target);
		}
		Files.createDirectories(root.resolve("etc"));
		return root;
	}

	private static String exec(String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
		}
		return output;
	}

}
