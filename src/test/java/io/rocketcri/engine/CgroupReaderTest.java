package io.rocketcri.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.rocketcri.engine.CgroupReader.CgroupUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The cgroup parsers over fixture trees laid out as cgroup v1 (hybrid hosts) and cgroup v2 mount them. */
class CgroupReaderTest {

	@TempDir
	Path root;

	private void file(String relative, String content) throws IOException {
		Path p = root.resolve(relative);
		Files.createDirectories(p.getParent());
		Files.writeString(p, content);
	}

	/** A pod cgroup on cgroup v1: one directory per controller, the pod's containers below it. */
	private void v1Pod(String pod) throws IOException {
		file("cpuacct/" + pod + "/cpuacct.usage", "2500000000\n");
		file("cpuacct/" + pod + "/cpuacct.stat", "user 180\nsystem 60\n");
		file("memory/" + pod + "/memory.usage_in_bytes", "41943040\n");
		file("memory/" + pod + "/memory.limit_in_bytes", "9223372036854771712\n");
		file("memory/" + pod + "/memory.memsw.usage_in_bytes", "42991616\n");
		file("memory/" + pod + "/memory.stat", """
				cache 0
				rss 0
				total_cache 8388608
				total_rss 31457280
				total_inactive_file 4194304
				total_pgfault 1200
				total_pgmajfault 3
				hierarchical_memory_limit 9223372036854771712
				""");
		file("pids/" + pod + "/pids.current", "7\n");
	}

	@Test
	void readsCgroupV1PerControllerHierarchies() throws IOException {
		v1Pod("kubepods/pod1");
		file("cgroup2-would-be-here/unused", ""); // hybrid: no cgroup.controllers at the root

		CgroupUsage u = new CgroupReader(root).read("/kubepods/pod1").orElseThrow();

		assertThat(u.cpuNanos()).isEqualTo(2_500_000_000L);
		assertThat(u.userNanos()).isEqualTo(1_800_000_000L);
		assertThat(u.systemNanos()).isEqualTo(600_000_000L);
		assertThat(u.memoryUsage()).isEqualTo(41_943_040L);
		assertThat(u.workingSet()).as("usage minus inactive file").isEqualTo(41_943_040L - 4_194_304L);
		assertThat(u.rss()).isEqualTo(31_457_280L);
		assertThat(u.cache()).isEqualTo(8_388_608L);
		assertThat(u.pageFaults()).isEqualTo(1200);
		assertThat(u.majorPageFaults()).isEqualTo(3);
		assertThat(u.memoryLimit()).as("page-aligned LONG_MAX means none").isEqualTo(-1);
		assertThat(u.swapUsage()).isEqualTo(42_991_616L - 41_943_040L);
		assertThat(u.processes()).isEqualTo(7);
	}

	@Test
	void cgroupV1WithoutPidsControllerCountsProcsOfTheSubtree() throws IOException {
		v1Pod("p");
		Files.delete(root.resolve("pids/p/pids.current"));
		file("memory/p/memory.limit_in_bytes", "16777216\n");
		file("memory/p/cgroup.procs", "");
		file("memory/p/c1/cgroup.procs", "100\n101\n");
		file("memory/p/c2/cgroup.procs", "200\n");

		CgroupUsage u = new CgroupReader(root).read("p").orElseThrow();

		assertThat(u.processes()).isEqualTo(3);
		assertThat(u.memoryLimit()).isEqualTo(16_777_216L);
	}

	@Test
	void readsCgroupV2UnifiedHierarchy() throws IOException {
		file("cgroup.controllers", "cpuset cpu io memory pids\n");
		String pod = "kubepods.slice/pod2";
		file(pod + "/cpu.stat", """
				usage_usec 3000000
				user_usec 2000000
				system_usec 1000000
				nr_periods 0
				""");
		file(pod + "/memory.current", "20971520\n");
		file(pod + "/memory.max", "33554432\n");
		file(pod + "/memory.swap.current", "4096\n");
		file(pod + "/memory.stat", """
				anon 10485760
				file 6291456
				inactive_file 2097152
				pgfault 900
				pgmajfault 1
				""");
		file(pod + "/pids.current", "4\n");

		CgroupUsage u = new CgroupReader(root).read("/" + pod).orElseThrow();

		assertThat(u.cpuNanos()).isEqualTo(3_000_000_000L);
		assertThat(u.userNanos()).isEqualTo(2_000_000_000L);
		assertThat(u.systemNanos()).isEqualTo(1_000_000_000L);
		assertThat(u.memoryUsage()).isEqualTo(20_971_520L);
		assertThat(u.workingSet()).isEqualTo(20_971_520L - 2_097_152L);
		assertThat(u.rss()).isEqualTo(10_485_760L);
		assertThat(u.cache()).isEqualTo(6_291_456L);
		assertThat(u.pageFaults()).isEqualTo(900);
		assertThat(u.majorPageFaults()).isEqualTo(1);
		assertThat(u.memoryLimit()).isEqualTo(33_554_432L);
		assertThat(u.swapUsage()).isEqualTo(4096);
		assertThat(u.processes()).isEqualTo(4);
	}

	@Test
	void cgroupV2UnlimitedAndWithoutPidsFile() throws IOException {
		file("cgroup.controllers", "cpu memory\n");
		file("pod/cpu.stat", "usage_usec 10\n");
		file("pod/memory.current", "100\n");
		file("pod/memory.max", "max\n");
		file("pod/memory.stat", "anon 50\n");
		file("pod/cgroup.procs", "1\n");
		file("pod/ctr/cgroup.procs", "2\n3\n");

		CgroupUsage u = new CgroupReader(root).read("pod").orElseThrow();

		assertThat(u.memoryLimit()).isEqualTo(-1);
		assertThat(u.swapUsage()).as("no swap accounting").isEqualTo(-1);
		assertThat(u.processes()).isEqualTo(3);
		assertThat(u.workingSet()).isEqualTo(100);
	}

	@Test
	void aCgroupThatIsGoneReadsAsEmpty() throws IOException {
		assertThat(new CgroupReader(root).read("/no/such")).isEmpty();
		file("cgroup.controllers", "cpu memory\n");
		assertThat(new CgroupReader(root).read("/no/such")).isEmpty();
	}

	@Test
	void aPathThatCannotNameACgroupReadsAsEmpty() throws IOException {
		v1Pod("kubepods/pod1");
		assertThat(new CgroupReader(root).read("/kubepods/pod1")).isPresent();
		assertThat(new CgroupReader(root).read("/kubepods/x\u0000y")).isEmpty();
		assertThat(new CgroupReader(root).read("/kubepods/other/../pod1")).isEmpty();
	}

	@Test
	void sumsTwoCgroupsForAPodWithoutItsOwn() {
		CgroupUsage a = new CgroupUsage(1, 2, 3, 10, 8, 5, 2, 7, 1, 100, 0, 2);
		CgroupUsage b = new CgroupUsage(4, 5, 6, 20, 16, 10, 4, 3, 0, 200, -1, 1);
		CgroupUsage sum = a.plus(b);
		assertThat(sum.cpuNanos()).isEqualTo(5);
		assertThat(sum.workingSet()).isEqualTo(24);
		assertThat(sum.memoryLimit()).isEqualTo(-1);
		assertThat(sum.swapUsage()).isEqualTo(-1);
		assertThat(sum.processes()).isEqualTo(3);
	}

}
