package io.rocketcri.engine;

import java.io.IOException;

/**
 * A system call made through {@link HostOs} failed. The message reads
 * {@code "<call> <path>: <reason> (errno <n>)"}; {@link #errno()} lets callers branch on the
 * reason (e.g. {@link #EEXIST}) without parsing text.
 */
public class HostOsException extends IOException {

	/** No such file or directory. */
	public static final int ENOENT = 2;

	/** Operation not permitted. */
	public static final int EPERM = 1;

	/** No such process (kill). */
	public static final int ESRCH = 3;

	/** No such device or address: a FIFO opened for writing without blocking has no reader. */
	public static final int ENXIO = 6;

	/** Resource temporarily unavailable: a non-blocking write found the pipe full. */
	public static final int EAGAIN = 11;

	/** File exists. */
	public static final int EEXIST = 17;

	/** Device or resource busy. */
	public static final int EBUSY = 16;

	/** Invalid argument (e.g. not a mount point). */
	public static final int EINVAL = 22;

	/** No data available: the extended attribute does not exist. */
	public static final int ENODATA = 61;

	/** Operation not supported (e.g. the file system has no xattrs of that namespace). */
	public static final int EOPNOTSUPP = 95;

	/** Result buffer too small. */
	public static final int ERANGE = 34;

	private final int errno;

	public HostOsException(String call, Object path, int errno, String reason) {
		super(call + " " + path + ": " + reason + " (errno " + errno + ")");
		this.errno = errno;
	}

	/** The C {@code errno} the call left. */
	public int errno() {
		return this.errno;
	}

}
