package io.rocketcri.network;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link PodNetwork} without a network, for tests of the pod lifecycle: hands out 10.88.0.x
 * addresses in memory, remembers who asked for what, and can be told to fail or to be not ready.
 */
public final class FakePodNetwork implements PodNetwork {

	private final Map<String, NetworkAttachment> attached = new HashMap<>();

	private final Map<String, Path> netns = new HashMap<>();

	private final List<String> calls = new ArrayList<>();

	private int next = 2;

	private NetworkException nextSetUpFailure;

	private NetworkException nextTearDownFailure;

	private NetworkStatus status = new NetworkStatus(true, "", "", Path.of("/etc/cni/net.d/10-fake.conflist"));

	@Override
	public synchronized NetworkAttachment setUp(PodNetworkRequest request) throws NetworkException {
		this.calls.add("setUp " + request.podId());
		if (this.nextSetUpFailure != null) {
			NetworkException failure = this.nextSetUpFailure;
			this.nextSetUpFailure = null;
			throw failure;
		}
		if (request.netns() == null) {
			throw new NetworkException("setting up the network of pod " + request.podId() + ": no network namespace");
		}
		NetworkAttachment existing = this.attached.get(request.podId());
		if (existing != null) {
			if (!request.netns().equals(this.netns.get(request.podId()))) {
				throw new NetworkException("pod " + request.podId() + " is attached to another namespace");
			}
			return existing;
		}
		NetworkAttachment attachment = new NetworkAttachment("eth0", List.of("10.88.0." + this.next++),
				"{\"cniVersion\":\"1.0.0\"}");
		this.attached.put(request.podId(), attachment);
		this.netns.put(request.podId(), request.netns());
		return attachment;
	}

	@Override
	public synchronized void tearDown(PodNetworkRequest request) throws NetworkException {
		this.calls.add("tearDown " + request.podId());
		if (this.nextTearDownFailure != null) {
			NetworkException failure = this.nextTearDownFailure;
			this.nextTearDownFailure = null;
			throw failure;
		}
		this.attached.remove(request.podId());
		this.netns.remove(request.podId());
	}

	@Override
	public synchronized NetworkStatus status() {
		return this.status;
	}

	public synchronized void failNextSetUp(NetworkException failure) {
		this.nextSetUpFailure = failure;
	}

	public synchronized void failNextTearDown(NetworkException failure) {
		this.nextTearDownFailure = failure;
	}

	public synchronized void setStatus(NetworkStatus status) {
		this.status = status;
	}

	public synchronized boolean isAttached(String podId) {
		return this.attached.containsKey(podId);
	}

	/** "setUp <id>" / "tearDown <id>", in call order. */
	public synchronized List<String> calls() {
		return List.copyOf(this.calls);
	}

}
