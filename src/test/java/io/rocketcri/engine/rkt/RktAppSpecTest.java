package io.rocketcri.engine.rkt;

import java.nio.file.Path;
import java.util.List;

import io.rocketcri.config.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

class RktAppSpecTest {

	static ObjectNode spec(String json) throws Exception {
		return (ObjectNode) Json.MAPPER.readTree(json);
	}

	@Test
	void kubeletsLimitsBecomeRktIsolatorsAfterTheImage() throws Exception {
		ObjectNode spec = spec("""
				{"process": {"args": ["sleep", "9"], "oomScoreAdj": 1000},
				 "linux": {"resources": {"memory": {"limit": 15728640},
				                         "cpu": {"quota": 50000, "period": 100000, "shares": 512}}}}""");
		RktCommands.AppArgs app = RktAppSpec.from(spec, "c1", "c1.log");
		assertThat(app.limits()).isEqualTo(new RktCommands.AppArgs.Limits(15728640L, 500L, 512L, 1000));

		List<String> argv = new RktCommands("rkt", Path.of("/d"), null).appAdd("uuid", "sha512-1", app);
		assertThat(argv.indexOf("sha512-1")).isLessThan(argv.indexOf("--memory=15728640"));
		assertThat(argv).contains("--memory=15728640", "--cpu=500m", "--cpu-shares=512", "--oom-score-adj=1000");
	}

	@Test
	void noLimitsNoIsolators() throws Exception {
		RktCommands.AppArgs app = RktAppSpec.from(spec("""
				{"process": {"args": ["true"]}, "linux": {"resources": {"cpu": {"quota": -1, "period": 100000}}}}"""),
				"c1", "c1.log");
		assertThat(app.limits()).isEqualTo(RktCommands.AppArgs.Limits.NONE);
		assertThat(new RktCommands("rkt", Path.of("/d"), null).appAdd("uuid", "sha512-1", app))
			.noneMatch(a -> a.startsWith("--memory") || a.startsWith("--cpu") || a.startsWith("--oom"));
	}

}
