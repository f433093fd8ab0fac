package io.rocketcri.network;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeyedLocksTest {

	private final KeyedLocks locks = new KeyedLocks();

	@Test
	void theSameKeyIsExclusiveAndOtherKeysAreNot() throws Exception {
		AtomicBoolean sameKeyEntered = new AtomicBoolean();
		CountDownLatch otherKeyEntered = new CountDownLatch(1);
		Thread same;
		try (KeyedLocks.Held held = this.locks.lock("pod1")) {
			same = Thread.ofVirtual().start(() -> {
				try (KeyedLocks.Held h = this.locks.lock("pod1")) {
					sameKeyEntered.set(true);
				}
			});
			Thread.ofVirtual().start(() -> {
				try (KeyedLocks.Held h = this.locks.lock("pod2")) {
					otherKeyEntered.countDown();
				}
			});
			assertThat(otherKeyEntered.await(5, TimeUnit.SECONDS)).isTrue();
			Thread.sleep(100);
			assertThat(sameKeyEntered).isFalse();
		}
		same.join(5000);
		assertThat(sameKeyEntered).isTrue();
	}

	@Test
	void locksAreDroppedWhenNobodyUsesThem() {
		try (KeyedLocks.Held a = this.locks.lock("a"); KeyedLocks.Held b = this.locks.lock("b")) {
			assertThat(this.locks.size()).isEqualTo(2);
		}
		assertThat(this.locks.size()).isZero();
	}

}
