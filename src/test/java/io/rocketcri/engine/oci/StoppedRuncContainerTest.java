package io.rocketcri.engine.oci;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.rocketcri.config.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

class StoppedRuncContainerTest {

	static final long STARTED = 4242;

	/** A pid that no longer runs the init: another start time. */
	static final StoppedRuncContainer.IntToStartTime EXITED = pid -> -1;

	@TempDir
	Path dir;

	Path cgroupRoot;

	Path stateDir;

	ObjectNode state;

	@BeforeEach
	void stateOfAnExitedContainer() throws Exception {
		this.cgroupRoot = Files.createDirectories(this.dir.resolve("cgroup"));
		Files.createDirectories(this.cgroupRoot.resolve("memory/pods/c1"));
		Files.createDirectories(this.cgroupRoot.resolve("pids/pods/c1"));
		this.stateDir = Files.createDirectories(this.dir.resolve("runc/c1"));
		Files.writeString(this.stateDir.resolve("state.json"), "{}");
		this.state = (ObjectNode) Json.MAPPER.readTree("""
				{"id": "c1", "init_process_pid": 123, "init_process_start": %d, "rootless": false,
				 "intel_rdt_path": "",
				 "cgroup_paths": {"memory": "%s", "pids": "%s"},
				 "config": {"cgroups": {"Systemd": false},
				            "namespaces": [{"type": "NEWPID", "path": ""}, {"type": "NEWNET", "path": "/run/netns/p"}],
				            "Hooks": {"poststop": null, "prestart": null}}}
				""".formatted(STARTED, this.cgroupRoot.resolve("memory/pods/c1"), this.cgroupRoot.resolve("pids/pods/c1")));
	}

	private Optional<StoppedRuncContainer> read(StoppedRuncContainer.IntToStartTime startTimes) {
		return StoppedRuncContainer.of(this.stateDir, this.state, startTimes, this.cgroupRoot);
	}

	@Test
	void anExitedContainerLosesItsCgroupsAndItsStateDirectory() throws Exception {
		assertThat(read(EXITED)).hasValueSatisfying(c -> {
			try {
				assertThat(c.delete()).isTrue();
			}
			catch (Exception ex) {
				throw new AssertionError(ex);
			}
		});
		assertThat(this.cgroupRoot.resolve("memory/pods/c1")).doesNotExist();
		assertThat(this.cgroupRoot.resolve("pids/pods/c1")).doesNotExist();
		assertThat(this.cgroupRoot.resolve("memory/pods")).isDirectory();
		assertThat(this.stateDir).doesNotExist();
	}

	@Test
	void aRunningInitIsLeftToRunc() {
		assertThat(read(pid -> pid == 123 ? STARTED : -1)).isEmpty();
	}

	@Test
	void aPidReusedByAnotherProcessIsNotTheInit() {
		assertThat(read(pid -> STARTED + 1)).isPresent();
	}

	@Test
	void aSharedPidNamespaceIsLeftToRunc() {
		// runc first kills what else runs in the cgroup
		((ObjectNode) this.state.path("config").path("namespaces").get(0)).put("path", "/proc/1/ns/pid");
		assertThat(read(EXITED)).isEmpty();
	}

	@Test
	void noPidNamespaceIsLeftToRunc() {
		this.state.withObjectProperty("config")
			.putArray("namespaces")
			.addObject()
			.put("type", "NEWNET")
			.put("path", "");
		assertThat(read(EXITED)).isEmpty();
	}

	@Test
	void poststopHooksTheSystemdDriverRootlessAndRdtAreLeftToRunc() throws Exception {
		ObjectNode original = this.state.deepCopy();
		this.state.withObjectProperty("config")
			.withObjectProperty("Hooks")
			.putArray("poststop")
			.addObject()
			.put("path", "/bin/true");
		assertThat(read(EXITED)).isEmpty();
		this.state = original.deepCopy();
		this.state.withObjectProperty("config").withObjectProperty("cgroups").put("Systemd", true);
		assertThat(read(EXITED)).isEmpty();
		this.state = original.deepCopy();
		this.state.put("rootless", true);
		assertThat(read(EXITED)).isEmpty();
		this.state = original.deepCopy();
		this.state.put("intel_rdt_path", "/sys/fs/resctrl/c1");
		assertThat(read(EXITED)).isEmpty();
		this.state = original;
		assertThat(read(EXITED)).isPresent();
	}

	@Test
	void cgroupPathsOutsideTheCgroupFileSystemAreLeftToRunc() {
		this.state.withObjectProperty("cgroup_paths").put("pids", "/etc");
		assertThat(read(EXITED)).isEmpty();
		this.state.withObjectProperty("cgroup_paths").put("pids", this.cgroupRoot + "/pids/../../etc");
		assertThat(read(EXITED)).isEmpty();
		this.state.withObjectProperty("cgroup_paths").put("pids", this.cgroupRoot.toString());
		assertThat(read(EXITED)).isEmpty();
	}

	@Test
	void aCgroupThatWillNotGoKeepsTheStateForRunc() throws Exception {
		// a sub-cgroup: rmdir says "not empty"
		Files.createDirectories(this.cgroupRoot.resolve("pids/pods/c1/sub"));
		StoppedRuncContainer container = read(EXITED).orElseThrow();

		assertThat(container.delete()).isFalse();
		assertThat(this.stateDir.resolve("state.json")).exists();
	}

	@Test
	void aCgroupAlreadyGoneIsNoFailure() throws Exception {
		Files.delete(this.cgroupRoot.resolve("memory/pods/c1"));

		assertThat(read(EXITED).orElseThrow().delete()).isTrue();
		assertThat(this.stateDir).doesNotExist();
	}

}
