package io.rocketcri.benchmark;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.rocketcri.config.Json;
import io.rocketcri.cri.api.ContainerStatusRequest;
import io.rocketcri.testsupport.CriSocketClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The floor the benchmarks compare against: runc alone, on the very bundle rocket-cri wrote. */
final class BareRunc {

	private BareRunc() {
	}

	/**
	 * A copy of container {@code id}'s bundle with its root file system copied into a plain
	 * directory (the container's overlay goes with its removal), in cgroup {@code cgroupsPath}.
	 */
	static Path copyBundle(CriSocketClient client, String id, String cgroupsPath) throws Exception {
		JsonNode info = Json.MAPPER.readTree(client.runtime()
			.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).setVerbose(true).build())
			.getInfoOrThrow("info"));
		Path copy = Files.createTempDirectory("bench-bundle");
		ObjectNode spec = (ObjectNode) Json.MAPPER.readTree(Path.of(info.get("bundle").asString()).resolve("config.json").toFile());
		Path rootfs = copy.resolve("rootfs");
		new ProcessBuilder("cp", "-a", info.get("rootfs").asString() + "/.", rootfs.toString()).inheritIO().start().waitFor();
		((ObjectNode) spec.get("root")).put("path", rootfs.toString());
		((ObjectNode) spec.get("linux")).put("cgroupsPath", cgroupsPath);
		Json.MAPPER.writeValue(copy.resolve("config.json").toFile(), spec);
		return copy;
	}

	/** One runc command, output discarded; a failed kill is fine (the process may be gone). */
	static void runc(Path root, String... args) throws Exception {
		List<String> argv = new ArrayList<>(List.of("runc", "--root", root.toString()));
		argv.addAll(List.of(args));
		Process p = new ProcessBuilder(argv).redirectInput(new File("/dev/null"))
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		if (p.waitFor() != 0 && !args[0].equals("kill")) {
			throw new IllegalStateException("runc " + String.join(" ", args) + " exited " + p.exitValue());
		}
	}

}
