package io.rocketcri.engine.oci;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * conmon's command lines (conmon 2.1). Pure, so the option set is visible in one place and
 * unit-tested without conmon.
 */
final class ConmonArgs {

	/** conmon caps an ExecSync log at this many bytes, the CRI's message limit. */
	static final long EXEC_OUTPUT_LIMIT = 16L * 1024 * 1024;

	private ConmonArgs() {
	}

	/**
	 * {@code runc create} under a daemonised conmon. The runtime's own errors go to
	 * {@code <persist>/runc.log} as JSON lines, where {@link RuntimeMessages} finds them.
	 */
	static List<String> create(Path conmon, ConmonContainer container, CreateRequest request, StateLayout layout) {
		String id = container.id();
		Path persist = layout.persistDir(id);
		List<String> argv = new ArrayList<>(List.of(conmon.toString(),
				"--bundle", container.bundle().toString(),
				"--cid", id,
				"--cuuid", id,
				"--name", id,
				"--runtime", container.runtimeBinary().toString()));
		runtimeArgs(argv, container, layout);
		argv.addAll(List.of(
				"--exit-dir", layout.exitDir().toString(),
				"--persist-dir", persist.toString(),
				"--conmon-pidfile", persist.resolve("conmon.pid").toString(),
				"--container-pidfile", container.bundle().resolve("pidfile").toString(),
				"--socket-dir-path", layout.attachDir().toString(),
				"--log-path", container.logPath() != null ? "k8s-file:" + container.logPath() : "none",
				"--log-level", "info"));
		if (request.tty()) {
			argv.add("--terminal");
		}
		else if (request.stdin()) {
			argv.add("--stdin");
			if (!request.stdinOnce()) {
				argv.add("--leave-stdin-open");
			}
		}
		return List.copyOf(argv);
	}

	/**
	 * {@code runc exec --detach} under a conmon that stays our child ({@code --sync}) and reports
	 * the exec pid and then its exit code ({@code --api-version 1}).
	 * @param execDir holds {@code process.json}; conmon writes {@code pid} and {@code output.log} there
	 * @param backstopSeconds conmon's own timeout ({@code -T}), 0 for none: only for when rocket-cri
	 * dies before it could enforce the real one
	 */
	static List<String> exec(Path conmon, ConmonContainer container, String execId, Path execDir, boolean tty,
			long backstopSeconds, StateLayout layout) {
		List<String> argv = new ArrayList<>(List.of(conmon.toString(),
				"--api-version",
				"--cid", container.id(),
				"--cuuid", execId,
				"--name", execId,
				"--runtime", container.runtimeBinary().toString()));
		runtimeArgs(argv, container, layout);
		argv.addAll(List.of(
				"--exec",
				"--exec-process-spec", execDir.resolve("process.json").toString(),
				"--container-pidfile", execDir.resolve("pid").toString(),
				"--log-path", "k8s-file:" + execDir.resolve("output.log"),
				"--log-global-size-max", Long.toString(EXEC_OUTPUT_LIMIT),
				"--socket-dir-path", layout.attachDir().toString(),
				"--log-level", "info",
				"--sync"));
		if (tty) {
			argv.add("--terminal");
		}
		if (backstopSeconds > 0) {
			argv.addAll(List.of("--timeout", Long.toString(backstopSeconds)));
		}
		return List.copyOf(argv);
	}

	private static void runtimeArgs(List<String> argv, ConmonContainer container, StateLayout layout) {
		Path persist = layout.persistDir(container.id());
		argv.addAll(List.of(
				"--runtime-arg", "--root=" + layout.runtimeRoot(container.runtimeHandler()),
				"--runtime-arg", "--log=" + persist.resolve("runc.log"),
				"--runtime-arg", "--log-format=json"));
	}

}
