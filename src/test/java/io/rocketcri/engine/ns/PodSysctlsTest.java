package io.rocketcri.engine.ns;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.rocketcri.testsupport.ScriptedCommandRunner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PodSysctlsTest {

	private final ScriptedCommandRunner runner = new ScriptedCommandRunner();

	private final PodSysctls sysctls = new PodSysctls(this.runner);

	private final PinnedNamespaces pod = new PinnedNamespaces("pod1",
			Map.of(NamespaceType.NET, Path.of("/run/ns/net/pod1"), NamespaceType.IPC, Path.of("/run/ns/ipc/pod1")));

	@ParameterizedTest
	@CsvSource(textBlock = """
			net.ipv4.ip_forward,                     NET, net/ipv4/ip_forward
			net.ipv4.conf.all.route_localnet,        NET, net/ipv4/conf/all/route_localnet
			net.ipv4.conf.eth0/100.forwarding,       NET, net/ipv4/conf/eth0.100/forwarding
			net/ipv4/conf/eth0.100/forwarding,       NET, net/ipv4/conf/eth0.100/forwarding
			net.ipv4.ip_unprivileged_port_start,     NET, net/ipv4/ip_unprivileged_port_start
			kernel.shmmax,                           IPC, kernel/shmmax
			kernel.shm_rmid_forced,                  IPC, kernel/shm_rmid_forced
			kernel.msgmax,                           IPC, kernel/msgmax
			kernel.sem,                              IPC, kernel/sem
			fs.mqueue.msg_max,                       IPC, fs/mqueue/msg_max
			""")
	void namespacedSysctlsResolveToTheirNamespaceAndProcPath(String name, NamespaceType namespace, String path) {
		PodSysctls.Target target = PodSysctls.resolve(name);

		assertThat(target.namespace()).isEqualTo(namespace);
		assertThat(target.path()).isEqualTo(path);
	}

	@ParameterizedTest
	@ValueSource(strings = { "kernel.hostname", "kernel.pid_max", "vm.overcommit_memory", "fs.file-max",
			"kernel.sem_next_id", "net", "kernel.shmmax.x" })
	void nodeWideSysctlsAreRejectedByName(String name) {
		assertThatThrownBy(() -> PodSysctls.namespaceOf(name)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("sysctl " + name + " is not namespaced");
	}

	@ParameterizedTest
	@ValueSource(strings = { "net/../kernel/hostname", "net.ipv4..ip_forward", "/net/ipv4/ip_forward",
			"net.ipv4.ip_forward=1", "net.ipv4.conf.a b.forwarding", "net/./ipv4", "" })
	void malformedNamesAreRejected(String name) {
		assertThatThrownBy(() -> PodSysctls.namespaceOf(name)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("sysctl");
	}

	@Test
	void eachSysctlIsWrittenInsideItsNamespace() throws Exception {
		Map<String, String> wanted = new LinkedHashMap<>();
		wanted.put("net.ipv4.ip_unprivileged_port_start", "0");
		wanted.put("kernel.shmmax", "65536");

		this.sysctls.applySysctls(this.pod, wanted);

		assertThat(this.runner.commands()).extracting(c -> c.argv())
			.containsExactly(
					List.of("nsenter", "--net=/run/ns/net/pod1", "--", "sysctl", "-w",
							"net/ipv4/ip_unprivileged_port_start=0"),
					List.of("nsenter", "--ipc=/run/ns/ipc/pod1", "--", "sysctl", "-w", "kernel/shmmax=65536"));
	}

	@Test
	void nothingIsWrittenWhenOneSysctlIsRejected() {
		Map<String, String> wanted = new LinkedHashMap<>();
		wanted.put("net.ipv4.ip_unprivileged_port_start", "0");
		wanted.put("vm.swappiness", "1");

		assertThatThrownBy(() -> this.sysctls.applySysctls(this.pod, wanted))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("vm.swappiness");
		assertThat(this.runner.commands()).isEmpty();
	}

	@Test
	void aSysctlOfANamespaceSharedWithTheHostIsRejected() {
		PinnedNamespaces hostNetwork = new PinnedNamespaces("pod2", Map.of(NamespaceType.IPC, Path.of("/x")));

		assertThatThrownBy(() -> this.sysctls.applySysctls(hostNetwork, Map.of("net.core.somaxconn", "1024")))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("net.core.somaxconn")
			.hasMessageContaining("shares the host's");
	}

	@Test
	void multiLineValuesAreRejected() {
		assertThatThrownBy(() -> this.sysctls.applySysctls(this.pod, Map.of("net.core.somaxconn", "1\nkernel.x=2")))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("net.core.somaxconn");
	}

	@Test
	void aFailedWriteNamesTheSysctlAndPod() {
		this.runner.on("nsenter", c -> ScriptedCommandRunner.exit(1, "", "sysctl: setting key: Invalid argument"));

		assertThatThrownBy(() -> this.sysctls.applySysctls(this.pod, Map.of("net.core.somaxconn", "x")))
			.hasMessageContaining("setting sysctl net.core.somaxconn=x in pod pod1")
			.hasMessageContaining("Invalid argument");
	}

}
