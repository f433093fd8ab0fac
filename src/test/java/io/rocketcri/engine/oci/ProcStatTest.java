package io.rocketcri.engine.oci;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcStatTest {

	@Test
	void theCommandEndsAtTheLastParenthesis() {
		ProcStat stat = ProcStat.parse(509, "509 (odd) name)) Z 1 509 509 0 -1 4194572 0 0 0 0");

		assertThat(stat).isEqualTo(new ProcStat(509, "odd) name)", 'Z', 1, 509));
		assertThat(stat.alive()).isFalse();
	}

	@Test
	void ourOwnProcessIsAlive() {
		int pid = (int) ProcessHandle.current().pid();

		assertThat(ProcStat.read(pid)).hasValueSatisfying((stat) -> {
			assertThat(stat.alive()).isTrue();
			assertThat(stat.parentPid()).isEqualTo((int) ProcessHandle.current().parent().orElseThrow().pid());
		});
		assertThat(ProcStat.read(Integer.MAX_VALUE)).isEmpty();
	}

	@Test
	void garbageIsNoStat() {
		assertThat(ProcStat.parse(1, "")).isNull();
		assertThat(ProcStat.parse(1, "1 (x) S notanumber 1")).isNull();
	}

}
