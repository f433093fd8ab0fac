package io.rocketcri.cri;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.protobuf.InvalidProtocolBufferException;

import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerState;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.ListContainersResponse;
import io.rocketcri.image.ImageRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ListAnswersTest {

	final ListAnswers<Container, ImageRecord, ListContainersResponse> cache = new ListAnswers<>(Container::id,
			ListContainersResponse::newBuilder, ListContainersResponse.CONTAINERS_FIELD_NUMBER);

	final AtomicInteger built = new AtomicInteger();

	io.rocketcri.cri.api.Container build(Container c, ImageRecord image) {
		built.incrementAndGet();
		return io.rocketcri.cri.api.Container.newBuilder().setId(c.id()).setState(ContainerMapper.state(c.state())).build();
	}

	/** The items as a client reads them off the wire. */
	List<io.rocketcri.cri.api.Container> list(List<Container> containers, boolean complete) {
		try {
			return ListContainersResponse.parseFrom(cache.response(cache.items(containers, complete, c -> null,
					this::build)).toByteArray()).getContainersList();
		}
		catch (InvalidProtocolBufferException ex) {
			throw new AssertionError(ex);
		}
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
		assertThat(second).isEqualTo(first);

		Container bExited = container("b", ContainerState.EXITED); // the store's new record for b
		List<io.rocketcri.cri.api.Container> third = list(List.of(a, bExited), true);
		assertThat(built).hasValue(3);
		assertThat(third.get(1).getState()).isEqualTo(io.rocketcri.cri.api.ContainerState.CONTAINER_EXITED);
	}

	@Test
	void onTheWireTheAnswerIsTheRepeatedContainersField() throws Exception {
		// what protoc's own builder would send for the same items, byte for byte
		Container a = container("a", ContainerState.RUNNING);
		Container b = container("b", ContainerState.EXITED);
		ListContainersResponse expected = ListContainersResponse.newBuilder()
			.addContainers(build(a, null))
			.addContainers(build(b, null))
			.build();

		ListContainersResponse sent = cache.response(cache.items(List.of(a, b), true, c -> null, this::build));

		assertThat(sent.toByteString()).isEqualTo(expected.toByteString());
		assertThat(sent.getSerializedSize()).isEqualTo(expected.getSerializedSize());
		assertThat(ListContainersResponse.parseFrom(sent.toByteArray())).isEqualTo(expected);
		assertThat(cache.response(List.of()).toByteArray()).isEmpty();
	}

	@Test
	void theAnswerIsKeptWhileNoItemChanges() {
		Container a = container("a", ContainerState.RUNNING);
		Container b = container("b", ContainerState.RUNNING);
		ListContainersResponse first = cache.answer(List.of(a, b), true, c -> null, this::build);
		assertThat(cache.answer(new ArrayList<>(List.of(a, b)), true, c -> null, this::build)).isSameAs(first);

		Container bExited = container("b", ContainerState.EXITED);
		ListContainersResponse changed = cache.answer(List.of(a, bExited), true, c -> null, this::build);
		assertThat(changed).isNotSameAs(first);
		assertThat(cache.answer(List.of(a), true, c -> null, this::build)).isNotSameAs(changed);
		assertThat(cache.size()).isEqualTo(1);
		// another order is another answer
		ListContainersResponse ab = cache.answer(List.of(a, bExited), true, c -> null, this::build);
		assertThat(cache.answer(List.of(bExited, a), true, c -> null, this::build)).isNotSameAs(ab);
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
