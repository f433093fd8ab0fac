package io.rocketcri.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventBusTest {

	private static final Duration WAIT = Duration.ofSeconds(5);

	@Test
	void keepsTheLastEventsAndHandsThemOutWithAWatcherWithoutGap() throws Exception {
		EventBus<Integer> bus = new EventBus<>(16, 3);
		IntStream.rangeClosed(1, 5).forEach(bus::publish);
		assertThat(bus.recent()).containsExactly(3, 4, 5);
		EventBus.Replay<Integer> replay = bus.watchWithRecent();
		bus.publish(6);
		assertThat(replay.recent()).containsExactly(3, 4, 5);
		assertThat(replay.watcher().next(WAIT)).contains(6);
		replay.watcher().close();
		assertThat(new EventBus<Integer>(4).recent()).as("no history unless asked").isEmpty();
	}

	@Test
	void everyWatcherGetsEveryEventInPublishOrder() throws Exception {
		EventBus<Integer> bus = new EventBus<>(10_000);
		Watcher<Integer> a = bus.watch();
		Watcher<Integer> b = bus.watch();
		// four publishers at once: the watchers must agree on one order
		List<Thread> publishers = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			int base = t * 1000;
			publishers.add(Thread.ofVirtual().start(() -> IntStream.range(base, base + 1000).forEach(bus::publish)));
		}
		for (Thread t : publishers) {
			t.join();
		}
		List<Integer> seenByA = drain(a, 4000);
		List<Integer> seenByB = drain(b, 4000);
		assertThat(seenByA).hasSize(4000).containsExactlyElementsOf(seenByB);
		// each publisher's own events keep their order
		for (int t = 0; t < 4; t++) {
			int base = t * 1000;
			assertThat(seenByA.stream().filter(i -> i >= base && i < base + 1000).toList())
				.isSorted()
				.hasSize(1000);
		}
	}

	@Test
	void aWatcherSeesOnlyEventsAfterItStartedWatching() throws Exception {
		EventBus<String> bus = new EventBus<>(8);
		bus.publish("before");
		Watcher<String> w = bus.watch();
		bus.publish("after");
		assertThat(w.next(WAIT)).contains("after");
		assertThat(w.next(Duration.ofMillis(20))).isEmpty();
	}

	@Test
	void aSlowWatcherIsCutOffWithoutHoldingUpThePublisherOrOthers() throws Exception {
		EventBus<Integer> bus = new EventBus<>(16);
		Watcher<Integer> slow = bus.watch();
		Watcher<Integer> fast = bus.watch();
		List<Integer> fastSaw = java.util.Collections.synchronizedList(new ArrayList<>());
		CountDownLatch done = new CountDownLatch(1);
		Thread reader = Thread.ofVirtual().start(() -> {
			try {
				while (fastSaw.size() < 1000) {
					fast.next(WAIT).ifPresent(fastSaw::add);
				}
			}
			catch (Exception ex) {
				throw new AssertionError(ex);
			}
			done.countDown();
		});
		for (int i = 0; i < 1000; i++) {
			bus.publish(i);
			if (i % 8 == 7) {
				// the test (not the bus) waits for the fast reader, which keeps up; the slow one never reads
				while (fastSaw.size() <= i) {
					Thread.sleep(1);
				}
			}
		}
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		reader.join();
		assertThat(fastSaw).containsExactlyElementsOf(IntStream.range(0, 1000).boxed().toList());
		assertThatThrownBy(() -> slow.next(WAIT)).isInstanceOf(Watcher.WatcherOverflow.class)
			.hasMessageContaining("16 events behind");
		assertThat(bus.watcherCount()).as("the cut-off watcher is dropped").isEqualTo(1);
	}

	@Test
	void anOverflowedWatcherNeverHandsOutEventsThatHaveAGapBehindThem() throws Exception {
		EventBus<Integer> bus = new EventBus<>(2);
		Watcher<Integer> w = bus.watch();
		bus.publish(1);
		bus.publish(2);
		bus.publish(3); // lost
		bus.publish(4);
		assertThatThrownBy(() -> w.next(WAIT)).isInstanceOf(Watcher.WatcherOverflow.class);
		assertThatThrownBy(() -> w.next(WAIT)).as("cut off for good").isInstanceOf(Watcher.WatcherOverflow.class);
	}

	@Test
	void aClosedWatcherGetsNothingMore() throws Exception {
		EventBus<Integer> bus = new EventBus<>(4);
		Watcher<Integer> w = bus.watch();
		w.close();
		w.close();
		bus.publish(1);
		assertThat(bus.watcherCount()).isZero();
		assertThat(w.next(Duration.ofMillis(10))).isEqualTo(Optional.empty());
	}

	private static List<Integer> drain(Watcher<Integer> w, int count) throws Exception {
		List<Integer> out = new ArrayList<>();
		while (out.size() < count) {
			Optional<Integer> next = w.next(WAIT);
			assertThat(next).as("event %d of %d", out.size(), count).isPresent();
			out.add(next.get());
		}
		return out;
	}

}
