package io.rocketcri.engine;

import java.nio.file.Path;
import java.util.List;

import io.rocketcri.engine.NetworkCounters.InterfaceUsage;
import io.rocketcri.testsupport.ScriptedCommandRunner;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NetworkCountersTest {

	static final String PROC_NET_DEV = """
			Inter-|   Receive                                                |  Transmit
			 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
			    lo:     560       8    0    0    0     0          0         0      560       8    0    0    0     0       0          0
			  eth0:    9815      73    2    0    0     0          0         0     2716      31    1    0    0     0       0          0
			 net1:12345678901 10 0 0 0 0 0 0 42 1 0 0 0 0 0 0
			""";

	@Test
	void parsesEveryInterfaceButLoopback() {
		assertThat(NetworkCounters.parse(PROC_NET_DEV)).containsExactly(
				new InterfaceUsage("eth0", 9815, 2, 2716, 1),
				new InterfaceUsage("net1", 12_345_678_901L, 0, 42, 0));
	}

	@Test
	void readsInsideThePinnedNamespace() throws Exception {
		ScriptedCommandRunner runner = new ScriptedCommandRunner().on("nsenter",
				c -> ScriptedCommandRunner.ok(PROC_NET_DEV));
		List<InterfaceUsage> read = new NetworkCounters(runner).read(Path.of("/run/rocket-cri/ns/net/pod1"));
		assertThat(read).hasSize(2);
		assertThat(runner.commands().getFirst().argv()).containsExactly("nsenter", "--net=/run/rocket-cri/ns/net/pod1", "cat",
				"/proc/net/dev");
	}

	@Test
	void aNamespaceThatIsGoneHasNoInterfaces() throws Exception {
		ScriptedCommandRunner runner = new ScriptedCommandRunner().on("nsenter",
				c -> ScriptedCommandRunner.exit(1, "", "nsenter: cannot open /gone: No such file or directory"));
		assertThat(new NetworkCounters(runner).read(Path.of("/gone"))).isEmpty();
	}

}
