package io.rocketcri.container.spec;

import java.io.IOException;
import java.util.List;

/**
 * The one host lookup spec generation makes besides the rootfs: what a device path on the host is.
 * A fake in tests keeps privileged specs independent of the machine's {@code /dev}.
 */
interface DeviceNodes {

	/**
	 * The device nodes at {@code hostPath}: one if it is a device (links followed), every device
	 * below it if it is a directory, none if it is something else.
	 *
	 * @throws java.nio.file.NoSuchFileException if nothing is there
	 */
	List<DeviceNode> at(String hostPath) throws IOException;

	/**
	 * The host's devices a privileged container gets: every node under {@code /dev} except the
	 * per-container file systems ({@code pts}, {@code shm}, {@code mqueue}), the console, and
	 * anything reached through a link.
	 */
	List<DeviceNode> hostDevices() throws IOException;

}
