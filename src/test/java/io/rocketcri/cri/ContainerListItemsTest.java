package io.rocketcri.cri;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerState;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.image.ImageRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerListItemsTest {

	final ContainerListItems cache = new ContainerListItems();

	final AtomicInteger built = new AtomicInteger();

	io.rocketcri.cri.api.Container build(Container c, ImageRecord image) {
		built.incrementAndGet();
		return io.rocketcri.cri.api.Container.newBuilder().setId(c.id()).setState(ContainerMapper.state(c.state())).build();
	}

	List<io.rocketcri.cri.api.Container> list(List<Container> containers, boolean complete) {
		return cache.items(containers, complete, c -> null, this::build);
	}

	static Container container(String id, ContainerState state) {
		return new Container(id, "pod", id + "_pod", state, 1, 0, 0, 0, null, null, "sha256:" + "a".repeat(64), "img",
				List.of(), ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(id)).build(),
				null, 0);
	}

	@Test
	void anUnchangedContainerIsNotBuiltAgainAndAChangedOneIs() {
		Container a = container("a", ContainerState.RUNNING);
		Container b = container("b", ContainerState.RUNNING);
		List<io.rocketcri.cri.api.Container> first = list(List.of(a, b), true);
		assertThat(built).hasValue(2);
		List<io.rocketcri.cri.api.Container> second = list(List.of(a, b), true);
		assertThat(built).hasValue(2);
		assertThat(second.get(0)).isSameAs(first.get(0));

		Container bExited = container("b", ContainerState.EXITED); // the store's new record for b
		List<io.rocketcri.cri.api.Container> third = list(List.of(a, bExited), true);
		assertThat(built).hasValue(3);
		assertThat(third.get(1).getState()).isEqualTo(io.rocketcri.cri.api.ContainerState.CONTAINER_EXITED);
	}

	@Test
	void aFilteredListKeepsTheOthersAndACompleteOneDropsTheRemoved() {
		Container a = container("a", ContainerState.RUNNING);
		Container b = container("b", ContainerState.RUNNING);
		list(List.of(a, b), true);
		list(List.of(a), false);
		assertThat(cache.size()).isEqualTo(2);
		list(new ArrayList<>(List.of(b)), true);
		assertThat(cache.size()).isEqualTo(1);
		assertThat(built).hasValue(2);
	}

}
