package io.rocketcri.network;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class FakePodNetworkTest extends PodNetworkContractTest {

	private final FakePodNetwork network = new FakePodNetwork();

	@Override
	PodNetwork network() {
		return this.network;
	}

	@Override
	PodNetworkRequest pod(String name) {
		return new PodNetworkRequest("fake-" + name, name, "default", "uid", Path.of("/run/netns/" + name), List.of(),
				Map.of(), "");
	}

}
