package io.rocketcri.cri;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.rocketcri.container.ContainerEvent;
import io.rocketcri.cri.api.ContainerEventResponse;
import io.rocketcri.cri.api.ContainerEventType;
import io.rocketcri.events.EventBus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The GetContainerEvents pump: flow control, order, and a slow client cut off with RESOURCE_EXHAUSTED. */
class ContainerEventStreamTest {

	final EventBus<ContainerEvent> bus = new EventBus<>(8);

	final ContainerEventStream stream = new ContainerEventStream(bus, new PodMapper(), null, null);

	static ContainerEvent event(String id, ContainerEvent.Type type) {
		return new ContainerEvent(id, type, System.nanoTime(), null, List.of());
	}

	@Test
	void aReadyClientGetsTheEventsInOrder() {
		FakeCall call = new FakeCall(true);
		stream.serve(call);
		for (ContainerEvent.Type t : ContainerEvent.Type.values()) {
			bus.publish(event("c1", t));
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> call.sent.size() == 4);
		assertThat(call.sent).extracting(ContainerEventResponse::getContainerEventType)
			.containsExactly(ContainerEventType.CONTAINER_CREATED_EVENT, ContainerEventType.CONTAINER_STARTED_EVENT,
					ContainerEventType.CONTAINER_STOPPED_EVENT, ContainerEventType.CONTAINER_DELETED_EVENT);
		assertThat(call.error).isNull();
	}

	@Test
	void aClientThatStopsReadingIsEndedWithResourceExhaustedAndTheRuntimeGoesOn() {
		FakeCall slow = new FakeCall(false); // transport never ready: its buffer is full
		stream.serve(slow);
		for (int i = 0; i < 100; i++) {
			bus.publish(event("c" + i, ContainerEvent.Type.CREATED));
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> slow.error != null);
		assertThat(Status.fromThrowable(slow.error).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
		assertThat(Status.fromThrowable(slow.error).getDescription()).contains("relist");
		assertThat(slow.sent).isEmpty();
		assertThat(bus.watcherCount()).isZero();
	}

	@Test
	void aClientCutOffWhileAnEventWaitsForTheTransportStillGetsResourceExhausted() {
		FakeCall slow = new FakeCall(false);
		stream.serve(slow);
		bus.publish(event("first", ContainerEvent.Type.CREATED));
		// the pump holds "first" and waits for the transport to become ready
		await().atMost(5, TimeUnit.SECONDS).until(() -> slow.readyChecks.get() > 0);
		for (int i = 0; i < 100; i++) {
			bus.publish(event("c" + i, ContainerEvent.Type.CREATED));
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> slow.error != null);
		assertThat(Status.fromThrowable(slow.error).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
		assertThat(slow.sent).isEmpty();
	}

	@Test
	void aCancelledCallStopsWatching() {
		FakeCall call = new FakeCall(true);
		stream.serve(call);
		assertThat(bus.watcherCount()).isEqualTo(1);
		call.cancel();
		assertThat(bus.watcherCount()).isZero();
	}

	static final class FakeCall extends ServerCallStreamObserver<ContainerEventResponse> {

		final List<ContainerEventResponse> sent = new CopyOnWriteArrayList<>();

		volatile boolean ready;

		final java.util.concurrent.atomic.AtomicInteger readyChecks = new java.util.concurrent.atomic.AtomicInteger();

		volatile boolean cancelled;

		volatile Throwable error;

		Runnable onCancel = () -> {
		};

		FakeCall(boolean ready) {
			this.ready = ready;
		}

		void cancel() {
			cancelled = true;
			onCancel.run();
		}

		@Override
		public boolean isCancelled() {
			return cancelled;
		}

		@Override
		public void setOnCancelHandler(Runnable onCancelHandler) {
			this.onCancel = onCancelHandler;
		}

		@Override
		public void setCompression(String compression) {
		}

		@Override
		public boolean isReady() {
			readyChecks.incrementAndGet();
			return ready;
		}

		@Override
		public void setOnReadyHandler(Runnable onReadyHandler) {
		}

		@Override
		public void request(int count) {
		}

		@Override
		public void setMessageCompression(boolean enable) {
		}

		@Override
		public void disableAutoInboundFlowControl() {
		}

		@Override
		public void onNext(ContainerEventResponse value) {
			sent.add(value);
		}

		@Override
		public void onError(Throwable t) {
			error = t;
		}

		@Override
		public void onCompleted() {
		}

	}

}
