package io.rocketcri.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.rocketcri.testsupport.RuntimeUnderTest;

/**
 * After a failed reliability test: removes by force what the runtime under test left on the host,
 * found by the test's own roots only (runc containers under its runc root, conmons naming its
 * state root, mounts under its roots), so that a failure does not leave running containers
 * behind. Never touches anything else on the machine.
 */
final class ForceClean {

	private ForceClean() {
	}

	static void all(RuntimeUnderTest runtime) {
		try {
			Path runcRoot = runtime.state().resolve("runc");
			if (Files.isDirectory(runcRoot)) {
				try (var ids = Files.list(runcRoot)) {
					for (Path id : ids.toList()) {
						run("runc", "--root", runcRoot.toString(), "delete", "--force", id.getFileName().toString());
					}
				}
			}
			HostInventory inventory = HostInventory.read(runtime, "/nonexistent");
			PodFixtures.killOurProcesses(inventory, java.util.Set.of());
			List<String> mounts = new ArrayList<>();
			for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
				String target = line.split(" ")[4];
				if (target.startsWith(runtime.root().toString()) || target.startsWith(runtime.state().toString())) {
					mounts.add(target);
				}
			}
			// deepest first, the ns bind mount last
			mounts.sort((a, b) -> b.length() - a.length());
			for (String target : mounts) {
				run("umount", "-l", target);
			}
		}
		catch (IOException | RuntimeException ex) {
			System.out.println("[force-clean] " + ex);
		}
	}

	private static void run(String... argv) {
		try {
			new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
				.waitFor(30, TimeUnit.SECONDS);
		}
		catch (IOException | InterruptedException ex) {
			// best effort
		}
	}

}
