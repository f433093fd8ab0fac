package io.rocketcri.container.spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.rocketcri.config.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs generated specs with the host's runc ({@code runc run}, foreground, no terminal) in
 * bundles under a test directory, with a runc state root of their own.
 */
final class RuncBundles implements AutoCloseable {

	record Outcome(int exitCode, String stdout, String stderr) {

		@Override
		public String toString() {
			return "exit " + this.exitCode + "\n--- stdout\n" + this.stdout + "--- stderr\n" + this.stderr;
		}

	}

	private static final AtomicInteger COUNTER = new AtomicInteger();

	private final Path dir;

	private final Path stateRoot;

	private final List<String> ids = new ArrayList<>();

	RuncBundles(Path dir) throws IOException {
		this.dir = dir;
		this.stateRoot = Files.createDirectories(dir.resolve("runc-state"));
	}

	/** A container id unique to this JVM, for specs whose cgroupsPath ends in it. */
	static String newId() {
		return "spec-test-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
	}

	Outcome run(String id, ObjectNode spec) throws IOException, InterruptedException {
		Path bundle = Files.createDirectories(this.dir.resolve("bundle-" + id));
		Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(bundle.resolve("config.json").toFile(), spec);
		this.ids.add(id);
		Path out = bundle.resolve("stdout");
		Path err = bundle.resolve("stderr");
		Process runc = new ProcessBuilder("runc", "--root", this.stateRoot.toString(), "run", "--bundle",
				bundle.toString(), id)
			.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
			.redirectOutput(out.toFile())
			.redirectError(err.toFile())
			.start();
		if (!runc.waitFor(60, TimeUnit.SECONDS)) {
			runc.destroyForcibly();
			runc.waitFor();
			throw new IllegalStateException("runc run " + id + " did not finish in 60 s");
		}
		return new Outcome(runc.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
				Files.readString(err, StandardCharsets.UTF_8));
	}

	@Override
	public void close() throws Exception {
		for (String id : this.ids) {
			Process delete = new ProcessBuilder("runc", "--root", this.stateRoot.toString(), "delete", "--force", id)
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			delete.waitFor(30, TimeUnit.SECONDS);
		}
	}

}
