package io.rocketcri.image;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SingleFlightTest {

	@Test
	void concurrentCallersShareOneRun() throws Exception {
		SingleFlight<String, Integer> flight = new SingleFlight<>();
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			Future<Integer> first = pool.submit(() -> flight.run("busybox", () -> {
				runs.incrementAndGet();
				await(release);
				return 42;
			}));
			while (runs.get() == 0) {
				Thread.onSpinWait();
			}
			Future<Integer> second = pool.submit(() -> flight.run("busybox", () -> runs.incrementAndGet() * 0 + 7));
			Thread.sleep(300); // the second caller is now parked on the first run's future
			release.countDown();
			assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(42);
			assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(42);
		}
		assertThat(runs.get()).isEqualTo(1);
		assertThat(flight.run("busybox", () -> 9)).isEqualTo(9);
	}

	@Test
	void aCallerThatJoinsIsToldBeforeItWaits() throws Exception {
		SingleFlight<String, Integer> flight = new SingleFlight<>();
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch joined = new CountDownLatch(1);
		AtomicInteger ownJoins = new AtomicInteger();
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			Future<Integer> first = pool.submit(() -> flight.run("img", () -> {
				started.countDown();
				await(release);
				return 1;
			}, ownJoins::incrementAndGet));
			started.await(5, TimeUnit.SECONDS);
			Future<Integer> second = pool.submit(() -> flight.run("img", () -> 2, joined::countDown));
			assertThat(joined.await(5, TimeUnit.SECONDS)).as("the joiner heard it joined while the run went on").isTrue();
			release.countDown();
			assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(1);
			assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(1);
		}
		assertThat(ownJoins.get()).as("the caller that ran it did not join").isZero();
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
