package io.rocketcri.container.spec;

import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Device nodes from a table instead of the machine's /dev. */
final class FakeDeviceNodes implements DeviceNodes {

	private final Map<String, List<DeviceNode>> byPath = new LinkedHashMap<>();

	private final List<DeviceNode> host = new ArrayList<>();

	/** A device node at {@code path}, also part of the host's /dev for privileged containers. */
	FakeDeviceNodes device(String path, String type, long major, long minor) {
		DeviceNode node = new DeviceNode(path, type, major, minor, 0660, 0, 6);
		this.byPath.put(path, List.of(node));
		this.host.add(node);
		return this;
	}

	/** Something at {@code path} that is not a device (a regular file). */
	FakeDeviceNodes notADevice(String path) {
		this.byPath.put(path, List.of());
		return this;
	}

	/** A directory holding copies of the given (registered) devices, as the host's walk reports them. */
	FakeDeviceNodes directory(String path, String... devices) {
		List<DeviceNode> nodes = new ArrayList<>();
		for (String device : devices) {
			DeviceNode node = this.byPath.get(device).getFirst();
			nodes.add(node.at(path + device.substring(device.lastIndexOf('/'))));
		}
		this.byPath.put(path, nodes);
		return this;
	}

	@Override
	public List<DeviceNode> at(String hostPath) throws NoSuchFileException {
		List<DeviceNode> nodes = this.byPath.get(hostPath);
		if (nodes == null) {
			throw new NoSuchFileException(hostPath);
		}
		return nodes;
	}

	@Override
	public List<DeviceNode> hostDevices() {
		return this.host;
	}

}
