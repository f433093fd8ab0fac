package io.rocketcri.engine.rkt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.rocketcri.engine.FakeHostOs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class RktLeftoversTest {

	private static final String UUID = "52f9782c-40e3-4d95-8bfd-3fdc996ba7a5";

	@TempDir
	Path tmp;

	@Test
	void findsThePodsMountsUnderTheDataDirDeepestFirst() throws IOException {
		Path mountinfo = Files.writeString(tmp.resolve("mountinfo"), """
				22 1 8:1 / / rw - ext4 /dev/vda rw
				90 22 0:50 / /var/lib/rocket-cri/rkt/pods/run/%1$s/stage1/rootfs rw - overlay overlay rw
				91 90 0:51 / /var/lib/rocket-cri/rkt/pods/run/%1$s/stage1/rootfs/opt/stage2/web/rootfs rw - overlay overlay rw
				92 22 0:52 / /var/lib/rocket-cri/rkt/pods/run/other-pod/stage1/rootfs rw - overlay overlay rw
				93 22 0:53 / /elsewhere/%1$s rw - tmpfs tmpfs rw
				""".formatted(UUID));
		RktLeftovers leftovers = new RktLeftovers(new FakeHostOs(), Path.of("/var/lib/rocket-cri/rkt"), mountinfo,
				tmp.resolve("cgroup"), tmp.resolve("propagate"));

		assertThat(leftovers.mountsOf(UUID)).containsExactly(
				Path.of("/var/lib/rocket-cri/rkt/pods/run/" + UUID + "/stage1/rootfs/opt/stage2/web/rootfs"),
				Path.of("/var/lib/rocket-cri/rkt/pods/run/" + UUID + "/stage1/rootfs"));
	}

	@Test
	void removesTheCgroupsNamedAfterThePodWithTheirChildrenAndNspawnsPropagateDir() throws IOException {
		Path cgroup = tmp.resolve("cgroup");
		Path scope = Files.createDirectories(
				cgroup.resolve("memory/machine-rkt\\x2d" + UUID.replace("-", "\\x2d") + ".scope/system.slice/web.service"));
		Path other = Files.createDirectories(cgroup.resolve("memory/machine-rkt\\x2dother.scope"));
		Path propagate = Files.createDirectories(tmp.resolve("propagate/rkt-" + UUID));
		RktLeftovers leftovers = new RktLeftovers(new FakeHostOs(), tmp.resolve("data"), tmp.resolve("none"), cgroup,
				tmp.resolve("propagate"));

		leftovers.remove(UUID);

		assertThat(propagate).doesNotExist();
		assertThat(scope.getParent().getParent()).doesNotExist();
		assertThat(other).exists();
	}

}
