package io.rocketcri.engine.oci;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import io.rocketcri.testsupport.BusyboxBundle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lifecycle every {@link OciRuntime} must follow, as its javadoc draws it: run against the
 * conmon implementation on the host and against {@link FakeOciRuntime} alike. Containers run
 * {@code sleep 1000} and end by signal, so a fake can play them.
 */
abstract class OciRuntimeContractTest {

	@TempDir
	Path dir;

	private final List<String> created = new ArrayList<>();

	abstract OciRuntime runtime();

	@AfterEach
	void removeContainers() {
		for (String id : this.created) {
			try {
				runtime().delete(id, true);
			}
			catch (OciException ex) {
				// the test's own failure is the interesting one
			}
		}
	}

	String newId() {
		String id = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		this.created.add(id);
		return id;
	}

	CreatedContainer createSleeper(String id) throws IOException {
		Path bundle = BusyboxBundle.builder(this.dir.resolve(id), id).args("sleep", "1000").write();
		return runtime().create(CreateRequest.of(id, bundle, this.dir.resolve(id + ".log")));
	}

	@Test
	void createLeavesTheContainerCreatedWithItsInitProcess() throws IOException {
		String id = newId();

		CreatedContainer container = createSleeper(id);

		assertThat(container.pid()).isPositive();
		assertThat(container.conmonPid()).isPositive().isNotEqualTo(container.pid());
		assertThat(runtime().state(id)).isEqualTo(new ContainerState(ContainerState.CREATED, container.pid()));
		assertThat(runtime().exitStatus(id)).isEmpty();
	}

	@Test
	void startMakesItRunning() throws IOException {
		String id = newId();
		CreatedContainer container = createSleeper(id);

		runtime().start(id);

		ContainerState state = runtime().state(id);
		assertThat(state.status()).isEqualTo(ContainerState.RUNNING);
		assertThat(state.pid()).isEqualTo(container.pid());
		assertThat(runtime().exitStatus(id)).isEmpty();
	}

	@Test
	void sigkillEndsItWith137() throws Exception {
		String id = newId();
		createSleeper(id);
		runtime().start(id);

		runtime().kill(id, 9, false);
		ExitStatus exit = runtime().awaitExit(id, Duration.ofSeconds(10));

		assertThat(exit.exitCode()).isEqualTo(137);
		assertThat(exit.oomKilled()).isFalse();
		assertThat(runtime().exitStatus(id)).contains(exit);
		assertThat(runtime().state(id).status()).isEqualTo(ContainerState.STOPPED);
	}

	@Test
	void killingACreatedContainerStopsIt() throws Exception {
		String id = newId();
		createSleeper(id);

		runtime().kill(id, 9, false);

		assertThat(runtime().awaitExit(id, Duration.ofSeconds(10)).exitCode()).isEqualTo(137);
		assertThat(runtime().state(id).status()).isEqualTo(ContainerState.STOPPED);
	}

	@Test
	void awaitExitTimesOutWhileItRuns() throws IOException {
		String id = newId();
		createSleeper(id);
		runtime().start(id);

		long start = System.nanoTime();
		assertThatThrownBy(() -> runtime().awaitExit(id, Duration.ofMillis(300))).isInstanceOf(TimeoutException.class);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
	}

	@Test
	void killAfterExitSaysNotRunning() throws Exception {
		String id = newId();
		createSleeper(id);
		runtime().start(id);
		runtime().kill(id, 9, false);
		runtime().awaitExit(id, Duration.ofSeconds(10));

		assertThatThrownBy(() -> runtime().kill(id, 9, false)).isInstanceOf(OciException.class)
			.satisfies((ex) -> assertThat(((OciException) ex).notRunning()).isTrue());
	}

	@Test
	void unknownIdsAreNotFound() {
		String id = newId();

		assertThatThrownBy(() -> runtime().kill(id, 15, false)).isInstanceOf(OciException.class)
			.satisfies((ex) -> assertThat(((OciException) ex).notFound()).isTrue())
			.hasMessageContaining(id);
		assertThatThrownBy(() -> runtime().state(id))
			.satisfies((ex) -> assertThat(((OciException) ex).notFound()).isTrue());
		assertThatThrownBy(() -> runtime().start(id))
			.satisfies((ex) -> assertThat(((OciException) ex).notFound()).isTrue());
		assertThatThrownBy(() -> runtime().execSync(id, ExecRequest.of(Duration.ZERO, "true")))
			.satisfies((ex) -> assertThat(((OciException) ex).notFound()).isTrue());
		assertThatThrownBy(() -> runtime().awaitExit(id, Duration.ofSeconds(5)))
			.satisfies((ex) -> assertThat(((OciException) ex).notFound()).isTrue());
		assertThat(runtime().exitStatus(id)).isEmpty();
	}

	@Test
	void deleteIsIdempotent() throws Exception {
		String id = newId();
		createSleeper(id);
		runtime().start(id);
		runtime().kill(id, 9, false);
		runtime().awaitExit(id, Duration.ofSeconds(10));

		runtime().delete(id, false);
		runtime().delete(id, false);
		runtime().delete(id, true);
		runtime().delete(newId(), false);

		assertThat(runtime().exitStatus(id)).isEmpty();
		assertThatThrownBy(() -> runtime().state(id))
			.satisfies((ex) -> assertThat(((OciException) ex).notFound()).isTrue());
	}

	@Test
	void deleteWithoutForceRefusesARunningContainer() throws IOException {
		String id = newId();
		createSleeper(id);
		runtime().start(id);

		assertThatThrownBy(() -> runtime().delete(id, false)).isInstanceOf(OciException.class)
			.satisfies((ex) -> assertThat(((OciException) ex).reason()).isEqualTo(OciException.Reason.NOT_STOPPED));
		assertThat(runtime().state(id).status()).isEqualTo(ContainerState.RUNNING);
	}

	@Test
	void forcedDeleteRemovesARunningContainer() throws IOException {
		String id = newId();
		createSleeper(id);
		runtime().start(id);

		runtime().delete(id, true);

		assertThatThrownBy(() -> runtime().state(id))
			.satisfies((ex) -> assertThat(((OciException) ex).notFound()).isTrue());
		assertThat(runtime().exitStatus(id)).isEmpty();
	}

	@Test
	void aTakenIdIsRefusedAndTheContainerKept() throws IOException {
		String id = newId();
		CreatedContainer first = createSleeper(id);

		assertThatThrownBy(() -> createSleeper(id)).isInstanceOf(OciException.class)
			.satisfies((ex) -> assertThat(((OciException) ex).alreadyExists()).isTrue());
		assertThat(runtime().state(id)).isEqualTo(new ContainerState(ContainerState.CREATED, first.pid()));
	}

	@Test
	void execInAStoppedContainerSaysNotRunning() throws Exception {
		String id = newId();
		createSleeper(id);
		runtime().start(id);
		runtime().kill(id, 9, false);
		runtime().awaitExit(id, Duration.ofSeconds(10));

		assertThatThrownBy(() -> runtime().execSync(id, ExecRequest.of(Duration.ofSeconds(5), "true")))
			.isInstanceOf(OciException.class)
			.satisfies((ex) -> assertThat(((OciException) ex).notRunning()).isTrue());
	}

	@Test
	void reopenLogAfterExitSaysNotRunning() throws Exception {
		String id = newId();
		createSleeper(id);
		runtime().start(id);
		runtime().kill(id, 9, false);
		runtime().awaitExit(id, Duration.ofSeconds(10));

		assertThatThrownBy(() -> runtime().reopenLog(id)).isInstanceOf(OciException.class)
			.satisfies((ex) -> assertThat(((OciException) ex).notRunning()).isTrue());
	}

}
