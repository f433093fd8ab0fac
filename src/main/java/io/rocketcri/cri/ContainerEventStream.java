package io.rocketcri.cri;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.rocketcri.container.ContainerEvent;
import io.rocketcri.cri.api.ContainerEventResponse;
import io.rocketcri.cri.api.ContainerEventType;
import io.rocketcri.events.EventBus;
import io.rocketcri.events.Watcher;
import io.rocketcri.failure.ResourceExhausted;
import io.rocketcri.image.ImageService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Serves one GetContainerEvents stream: a watcher on the container event bus, drained by a
 * virtual thread that sends only when gRPC's transport is ready (so a slow client's events wait
 * in the watcher's bounded queue, not in an unbounded Netty buffer). When the client falls a
 * whole queue behind, the stream ends with RESOURCE_EXHAUSTED; kubelet then relists and watches
 * again. The runtime itself never waits for a watcher.
 */
@Component
class ContainerEventStream {

	private static final Logger log = LoggerFactory.getLogger(ContainerEventStream.class);

	/** How often the pump wakes to notice a cancelled call when nothing happens. */
	private static final Duration WAKEUP = Duration.ofSeconds(1);

	private final EventBus<ContainerEvent> bus;

	private final PodMapper pods;

	private final ContainerMapper containers;

	private final ImageService images;

	ContainerEventStream(EventBus<ContainerEvent> bus, PodMapper pods, ContainerMapper containers, ImageService images) {
		this.bus = bus;
		this.pods = pods;
		this.containers = containers;
		this.images = images;
	}

	void serve(StreamObserver<ContainerEventResponse> response) {
		ServerCallStreamObserver<ContainerEventResponse> call = (ServerCallStreamObserver<ContainerEventResponse>) response;
		Watcher<ContainerEvent> watcher = bus.watch();
		Semaphore wake = new Semaphore(0);
		call.setOnReadyHandler(wake::release);
		call.setOnCancelHandler(() -> {
			watcher.close();
			wake.release();
		});
		Thread.ofVirtual().name("container-events-" + Integer.toHexString(System.identityHashCode(call))).start(() -> {
			try {
				pump(watcher, call, wake);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (RuntimeException ex) {
				log.warn("container event stream ended: {}", ex.getMessage());
			}
			finally {
				watcher.close();
			}
		});
	}

	private void pump(Watcher<ContainerEvent> watcher, ServerCallStreamObserver<ContainerEventResponse> call,
			Semaphore wake) throws InterruptedException {
		try {
			while (!watcher.isClosed() && !call.isCancelled()) {
				Optional<ContainerEvent> event = watcher.next(WAKEUP);
				if (event.isEmpty()) {
					continue;
				}
				ContainerEventResponse message = toProto(event.get());
				// wait for the transport, not in it: meanwhile the bus keeps queueing for us, and
				// cuts us off if we fall a whole queue behind
				while (!call.isReady()) {
					if (watcher.isClosed() || call.isCancelled()) {
						return;
					}
					if (watcher.isOverflowed()) {
						watcher.next(Duration.ZERO); // throws the overflow
					}
					wake.tryAcquire(WAKEUP.toMillis(), TimeUnit.MILLISECONDS);
				}
				call.onNext(message);
			}
		}
		catch (Watcher.WatcherOverflow ex) {
			call.onError(CriErrorMapping.toStatus(new ResourceExhausted("container events: " + ex.getMessage(), ex))
				.asRuntimeException());
		}
	}

	ContainerEventResponse toProto(ContainerEvent e) {
		ContainerEventResponse.Builder b = ContainerEventResponse.newBuilder()
			.setContainerId(e.containerId())
			.setContainerEventType(switch (e.type()) {
				case CREATED -> ContainerEventType.CONTAINER_CREATED_EVENT;
				case STARTED -> ContainerEventType.CONTAINER_STARTED_EVENT;
				case STOPPED -> ContainerEventType.CONTAINER_STOPPED_EVENT;
				case DELETED -> ContainerEventType.CONTAINER_DELETED_EVENT;
			})
			.setCreatedAt(e.createdAt());
		if (e.pod() != null) {
			b.setPodSandboxStatus(pods.toStatus(e.pod()));
		}
		e.podContainers()
			.forEach(c -> b.addContainersStatuses(containers.toStatus(c, images.byId(c.imageId()).orElse(null), null)));
		return b.build();
	}

}
