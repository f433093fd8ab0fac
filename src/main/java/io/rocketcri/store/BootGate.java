package io.rocketcri.store;

import java.util.concurrent.CountDownLatch;

import org.springframework.stereotype.Component;

/**
 * Closed until the runtime has loaded its state and reconciled it with the host. CRI calls that
 * arrive earlier get UNAVAILABLE, which kubelet retries, instead of answers from a half-loaded store.
 */
@Component
public class BootGate {

	private final CountDownLatch open = new CountDownLatch(1);

	public void open() {
		open.countDown();
	}

	public boolean isOpen() {
		return open.getCount() == 0;
	}

}
