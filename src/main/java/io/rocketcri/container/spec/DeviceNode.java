package io.rocketcri.container.spec;

/**
 * A device node as the kernel describes it.
 *
 * @param path where it is (on the host when looked up, in the container once placed)
 * @param type {@code c} (character), {@code b} (block) or {@code p} (FIFO)
 * @param fileMode the permission bits
 */
record DeviceNode(String path, String type, long major, long minor, int fileMode, long uid, long gid) {

	DeviceNode at(String containerPath) {
		return new DeviceNode(containerPath, this.type, this.major, this.minor, this.fileMode, this.uid, this.gid);
	}

	/** dev_t as glibc encodes it: 32-bit major and minor, each split into a low and a high part. */
	static long major(long rdev) {
		return ((rdev >>> 8) & 0xfffL) | ((rdev >>> 32) & 0xfffff000L);
	}

	static long minor(long rdev) {
		return (rdev & 0xffL) | ((rdev >>> 12) & 0xffffff00L);
	}

}
