package io.rocketcri.engine.oci;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConmonArgsTest {

	private final StateLayout layout = new StateLayout(Path.of("/run/rocket-cri"));

	private final ConmonContainer container = new ConmonContainer("3f2a", Path.of("/run/rocket-cri/bundles/3f2a"),
			Path.of("/var/log/pods/ns_pod_uid/app/0.log"), "runc", Path.of("/usr/sbin/runc"));

	@Test
	void createRunsTheRuntimeUnderOurRootWithItsLogAndOurDirectories() {
		List<String> argv = ConmonArgs.create(Path.of("/usr/bin/conmon"), this.container,
				CreateRequest.of("3f2a", this.container.bundle(), this.container.logPath()), this.layout);

		assertThat(String.join(" ", argv)).isEqualTo("/usr/bin/conmon --bundle /run/rocket-cri/bundles/3f2a"
				+ " --cid 3f2a --cuuid 3f2a --name 3f2a --runtime /usr/sbin/runc"
				+ " --runtime-arg --root=/run/rocket-cri/runc"
				+ " --runtime-arg --log=/run/rocket-cri/containers/3f2a/runc.log --runtime-arg --log-format=json"
				+ " --exit-dir /run/rocket-cri/exits --persist-dir /run/rocket-cri/containers/3f2a"
				+ " --conmon-pidfile /run/rocket-cri/containers/3f2a/conmon.pid"
				+ " --container-pidfile /run/rocket-cri/bundles/3f2a/pidfile"
				+ " --socket-dir-path /run/rocket-cri/attach"
				+ " --log-path k8s-file:/var/log/pods/ns_pod_uid/app/0.log --log-level info");
	}

	@Test
	void terminalStdinAndNoLogSelectTheirOptions() {
		ConmonContainer noLog = new ConmonContainer("3f2a", this.container.bundle(), null, "runc",
				Path.of("/usr/sbin/runc"));
		Path conmon = Path.of("/usr/bin/conmon");

		assertThat(ConmonArgs.create(conmon, noLog,
				new CreateRequest("3f2a", noLog.bundle(), null, true, true, false, "runc"), this.layout))
			.containsSequence("--log-path", "none").endsWith("--terminal").doesNotContain("--stdin");
		assertThat(ConmonArgs.create(conmon, noLog,
				new CreateRequest("3f2a", noLog.bundle(), null, false, true, false, "runc"), this.layout))
			.endsWith("--stdin", "--leave-stdin-open");
		assertThat(ConmonArgs.create(conmon, noLog,
				new CreateRequest("3f2a", noLog.bundle(), null, false, true, true, "runc"), this.layout))
			.endsWith("--stdin");
	}

	@Test
	void execStaysOurChildReportsItsPidAndHasABackstopTimeout() {
		Path execDir = Path.of("/run/rocket-cri/containers/3f2a/exec/e1");

		List<String> argv = ConmonArgs.exec(Path.of("/usr/bin/conmon"), this.container, "3f2a.exec-e1", execDir, false,
				16, this.layout);

		assertThat(argv).contains("--api-version", "--sync", "--exec")
			.containsSequence("--exec-process-spec", execDir.resolve("process.json").toString())
			.containsSequence("--container-pidfile", execDir.resolve("pid").toString())
			.containsSequence("--log-path", "k8s-file:" + execDir.resolve("output.log"))
			.containsSequence("--log-global-size-max", "16777216")
			.containsSequence("--runtime-arg", "--root=/run/rocket-cri/runc")
			.endsWith("--timeout", "16")
			.doesNotContain("--bundle", "--exit-dir", "--persist-dir");
		assertThat(ConmonArgs.exec(Path.of("/usr/bin/conmon"), this.container, "x", execDir, true, 0, this.layout))
			.endsWith("--sync", "--terminal");
	}

}
