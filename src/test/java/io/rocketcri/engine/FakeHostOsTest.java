package io.rocketcri.engine;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fake passes the same contract as the real implementation, plus its own bookkeeping. */
class FakeHostOsTest extends HostOsContractTest {

	private final FakeHostOs fake = new FakeHostOs();

	@Override
	HostOs hostOs() {
		return this.fake;
	}

	@Test
	void recordsDevicesOwnersAndCalls() throws Exception {
		Path node = this.dir.resolve("wh");

		this.fake.mknod(node, HostOs.S_IFCHR, 0, 0);
		this.fake.lchown(node, 1234, 5678);

		assertThat(this.fake.device(node).isCharDevice()).isTrue();
		assertThat(this.fake.owner(node)).isEqualTo(new FakeHostOs.Owner(1234, 5678));
		assertThat(this.fake.calls()).containsExactly("mknod " + node, "lchown " + node);
	}

	@Test
	void injectedFailureSurfacesAsHostOsException() {
		Path file = this.dir.resolve("f");
		this.fake.failWhen("lchown", file, HostOsException.EPERM);

		assertThatThrownBy(() -> this.fake.lchown(file, 0, 0)).isInstanceOf(HostOsException.class)
			.hasMessageContaining("lchown " + file);
	}

}
