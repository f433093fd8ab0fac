package io.rocketcri.engine.rkt;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RktStatusTest {

	@Test
	void readsAnExitedApp() throws IOException {
		RktStatus.App app = RktStatus.app("""
				{"name":"c1","state":"exited","created_at":1764373262000000000,"started_at":1764373263000000000,\
				"finished_at":1764373264000000000,"exit_code":3,"image_id":"sha512-abc"}""");
		assertThat(app.exited()).isTrue();
		assertThat(app.exitCode()).isEqualTo(3);
		assertThat(app.finishedAt()).isEqualTo(1764373264000000000L);
	}

	@Test
	void aCreatedAppHasNoTimesNorExitCode() throws IOException {
		RktStatus.App app = RktStatus.app("{\"name\":\"c1\",\"state\":\"created\",\"image_id\":\"sha512-abc\"}");
		assertThat(app.running()).isFalse();
		assertThat(app.exited()).isFalse();
		assertThat(app.exitCode()).isNull();
		assertThat(app.startedAt()).isZero();
	}

	@Test
	void readsAPodAfterWarnings() throws IOException {
		RktStatus.Pod pod = RktStatus.pod("""
				stage1: warning: something
				{"name":"e66d2433-627e-40b8-ac87-bbdb0f42b376","state":"running","networks":[]}""");
		assertThat(pod.uuid()).isEqualTo("e66d2433-627e-40b8-ac87-bbdb0f42b376");
		assertThat(pod.running()).isTrue();
		assertThat(RktStatus.pod("{\"name\":\"u\",\"state\":\"exited garbage\"}").finished()).isTrue();
	}

	@Test
	void unreadableJsonIsAnErrorThatQuotesTheOutput() {
		assertThatThrownBy(() -> RktStatus.pod("{\"name\":\"u\",")).isInstanceOf(IOException.class)
			.hasMessage("rkt status printed unreadable JSON: {\"name\":\"u\",");
	}

	@Test
	void noJsonIsAnErrorThatQuotesTheOutput() {
		assertThatThrownBy(() -> RktStatus.app("error: pod not found")).isInstanceOf(IOException.class)
			.hasMessageContaining("rkt app status printed no JSON object: error: pod not found");
	}

}
