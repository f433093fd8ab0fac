package io.rocketcri.engine.oci;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where things live under the state root (a tmpfs, e.g. {@code /run/rocket-cri}):
 * <pre>
 * &lt;state&gt;/runc/              runc --root (one directory per runtime handler: runc/, crun/)
 * &lt;state&gt;/exits/&lt;id&gt;          conmon --exit-dir: exit code, written when the process exits
 * &lt;state&gt;/containers/&lt;id&gt;/    conmon --persist-dir: conmon.pid, exit, oom, runc.log, runtime.json
 * &lt;state&gt;/containers/&lt;id&gt;/exec/&lt;n&gt;/   one ExecSync: process.json, pid, output log
 * &lt;state&gt;/attach/             conmon --socket-dir-path (a symlink per container to its bundle)
 * &lt;state&gt;/sync/               the FIFOs conmon reports through while it starts
 * </pre>
 */
record StateLayout(Path root) {

	/** What runc accepts as an id, minus anything that could walk out of a directory. */
	private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}");

	/** Handler names become directory and program names. */
	private static final Pattern HANDLER = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

	StateLayout {
		root = root.toAbsolutePath().normalize();
	}

	static String checkId(String id) {
		if (id == null || !ID.matcher(id).matches() || id.contains("..")) {
			throw new IllegalArgumentException("invalid container id: " + id);
		}
		return id;
	}

	static String checkHandler(String handler) {
		if (handler == null || !HANDLER.matcher(handler).matches()) {
			throw new IllegalArgumentException("invalid runtime handler: " + handler);
		}
		return handler;
	}

	Path runtimeRoot(String handler) {
		return this.root.resolve(checkHandler(handler));
	}

	Path exitDir() {
		return this.root.resolve("exits");
	}

	Path exitFile(String id) {
		return exitDir().resolve(checkId(id));
	}

	Path containersDir() {
		return this.root.resolve("containers");
	}

	Path persistDir(String id) {
		return containersDir().resolve(checkId(id));
	}

	Path attachDir() {
		return this.root.resolve("attach");
	}

	Path syncDir() {
		return this.root.resolve("sync");
	}

}
