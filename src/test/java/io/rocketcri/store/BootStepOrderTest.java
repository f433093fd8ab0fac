package io.rocketcri.store;

import java.util.List;

import io.rocketcri.testsupport.RuntimeUnderTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The boot steps run in the order their work needs: the garbage collector deletes what no loaded
 * image or container references, so run before either is loaded it would delete every layer.
 */
@SpringBootTest
class BootStepOrderTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("boot-order");

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		runtime.register(registry);
	}

	@Autowired
	List<BootStep> steps;

	@Autowired
	BootGate gate;

	@Test
	void imagesThenPodsAndContainersThenGarbage() {
		assertThat(steps).extracting(BootStep::name)
			.containsExactly("load images", "load pods and containers", "collect unreferenced layers, blobs and snapshots");
		assertThat(gate.isOpen()).isTrue();
	}

}
