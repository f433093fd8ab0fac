package io.rocketcri.container.spec;

import java.util.ArrayList;
import java.util.List;

import io.rocketcri.cri.api.IDMapping;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.Mount;
import io.rocketcri.cri.api.MountPropagation;
import io.rocketcri.failure.InvalidArgument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code mounts} and {@code linux.rootfsPropagation}. */
class OciSpecMountsTest extends GeneratorTestSupport {

	@Test
	void aPlainContainerHasKernelFileSystemsThenThePodsFiles() {
		JsonNode mounts = generate(nothing()).path("mounts");

		assertThat(lines(mounts)).containsExactly(
				"/proc proc proc nosuid,noexec,nodev",
				"/dev tmpfs tmpfs nosuid,strictatime,mode=755,size=65536k",
				"/dev/pts devpts devpts nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5",
				"/dev/mqueue mqueue mqueue nosuid,noexec,nodev",
				"/sys sysfs sysfs nosuid,noexec,nodev,ro",
				"/sys/fs/cgroup cgroup cgroup nosuid,noexec,nodev,relatime,ro",
				"/dev/shm bind /run/rocket-cri/pods/p1/shm rbind,rprivate,nosuid,nodev,noexec,rw",
				"/etc/hosts bind /run/rocket-cri/pods/p1/hosts rbind,rprivate,rw",
				"/etc/hostname bind /run/rocket-cri/pods/p1/hostname rbind,rprivate,rw",
				"/etc/resolv.conf bind /run/rocket-cri/pods/p1/resolv.conf rbind,rprivate,rw");
	}

	@Test
	void withoutPodShmTheContainerGetsItsOwnTmpfsAndAbsentFilesAreNotMounted() {
		PodResources bare = PodResources.hostNamespaces("/kubepods");

		JsonNode mounts = generate(nothing(), SpecFixtures.image(), bare).path("mounts");

		assertThat(lines(mounts)).contains("/dev/shm tmpfs shm nosuid,noexec,nodev,mode=1777,size=65536k")
			.noneMatch((l) -> l.startsWith("/etc/"));
	}

	@Test
	void readonlyRootfsMakesThePodFilesReadonlyToo() {
		JsonNode spec = generate(security((sc) -> sc.setReadonlyRootfs(true)));

		assertThat(spec.path("root").path("readonly").asBoolean()).isTrue();
		assertThat(lines(spec.path("mounts"))).contains("/etc/hosts bind /run/rocket-cri/pods/p1/hosts rbind,rprivate,ro");
	}

	@Test
	void privilegedContainerMayWriteSysAndItsCgroups() {
		JsonNode mounts = generate(security((sc) -> sc.setPrivileged(true))).path("mounts");

		assertThat(lines(mounts)).contains("/sys sysfs sysfs nosuid,noexec,nodev,rw",
				"/sys/fs/cgroup cgroup cgroup nosuid,noexec,nodev,relatime,rw");
	}

	@Test
	void criMountsAreRecursiveBindsSortedParentsFirst() {
		JsonNode mounts = generate((c) -> c.addMounts(bind("/var/lib/app/cache/deep", "/host/deep"))
			.addMounts(bind("/var/lib/app", "/host/app"))
			.addMounts(bind("/dev/termination-log", "/host/term"))
			.addMounts(bind("/etc", "/host/etc"))).path("mounts");

		List<String> destinations = destinations(mounts);
		assertThat(destinations).containsExactly("/proc", "/dev", "/dev/pts", "/dev/mqueue", "/sys", "/sys/fs/cgroup",
				"/etc", "/dev/shm", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/dev/termination-log",
				"/var/lib/app", "/var/lib/app/cache/deep");
		assertThat(lines(mounts)).contains("/var/lib/app bind /host/app rbind,rprivate,rw");
	}

	@Test
	void criMountsReplaceBuiltInOnesAtOrBelowThem() {
		JsonNode mounts = generate((c) -> c.addMounts(bind("/etc/hosts", "/my/hosts"))
			.addMounts(bind("/dev/shm", "/my/shm"))
			.addMounts(bind("/sys/fs/cgroup/", "/my/cgroup"))).path("mounts");

		assertThat(lines(mounts)).contains("/etc/hosts bind /my/hosts rbind,rprivate,rw",
				"/dev/shm bind /my/shm rbind,rprivate,rw", "/sys/fs/cgroup bind /my/cgroup rbind,rprivate,rw");
		assertThat(destinations(mounts)).containsOnlyOnce("/etc/hosts", "/dev/shm", "/sys/fs/cgroup");
	}

	@Test
	void aCriMountOnDevReplacesTheKernelFileSystemsUnderDevButNotThePodShm() {
		JsonNode mounts = generate((c) -> c.addMounts(bind("/dev", "/host/dev"))).path("mounts");

		assertThat(destinations(mounts)).containsExactly("/proc", "/sys", "/sys/fs/cgroup", "/dev", "/dev/shm",
				"/etc/hosts", "/etc/hostname", "/etc/resolv.conf");
	}

	@ParameterizedTest
	@CsvSource(nullValues = "none", value = { "PROPAGATION_PRIVATE, rprivate, none",
			"PROPAGATION_HOST_TO_CONTAINER, rslave, rslave", "PROPAGATION_BIDIRECTIONAL, rshared, rshared" })
	void propagationOfAMountAndOfTheRoot(MountPropagation propagation, String option, String rootfs) {
		JsonNode spec = generate((c) -> c.addMounts(bind("/data", "/host/data").toBuilder().setPropagation(propagation)));

		assertThat(lines(spec.path("mounts"))).contains("/data bind /host/data rbind," + option + ",rw");
		if (rootfs == null) {
			assertThat(spec.path("linux").has("rootfsPropagation")).isFalse();
		}
		else {
			assertThat(spec.path("linux").path("rootfsPropagation").asString()).isEqualTo(rootfs);
		}
	}

	@Test
	void sharedWinsOverSlaveForTheRoot() {
		JsonNode spec = generate((c) -> c
			.addMounts(bind("/a", "/h/a").toBuilder().setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER))
			.addMounts(bind("/b", "/h/b").toBuilder().setPropagation(MountPropagation.PROPAGATION_BIDIRECTIONAL)));

		assertThat(spec.path("linux").path("rootfsPropagation").asString()).isEqualTo("rshared");
	}

	@Test
	void readonlyAndRecursiveReadonly() {
		JsonNode mounts = generate((c) -> c.addMounts(bind("/ro", "/h/ro").toBuilder().setReadonly(true))
			.addMounts(bind("/rro", "/h/rro").toBuilder().setReadonly(true).setRecursiveReadOnly(true))
			.addMounts(bind("/sel", "/h/sel").toBuilder().setSelinuxRelabel(true))).path("mounts");

		assertThat(lines(mounts)).contains("/ro bind /h/ro rbind,rprivate,ro", "/rro bind /h/rro rbind,rprivate,ro,rro",
				"/sel bind /h/sel rbind,rprivate,rw");
	}

	@Test
	void imageVolumesAreReadonly() {
		JsonNode mounts = generate((c) -> c.addMounts(bind("/models", "/var/lib/rocket-cri/image-mounts/abc")
			.toBuilder()
			.setImage(ImageSpec.newBuilder().setImage("sha256:abc")))).path("mounts");

		assertThat(lines(mounts)).contains("/models bind /var/lib/rocket-cri/image-mounts/abc rbind,rprivate,ro");
	}

	@Test
	void containerPathsAreNormalised() {
		JsonNode mounts = generate((c) -> c.addMounts(bind("/data//x/../y/", "/h"))).path("mounts");

		assertThat(destinations(mounts)).contains("/data/y");
	}

	/** name, mount change, field named in the error. */
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = { "relative container path | container=data        | mounts[1].container_path",
			"empty container path    | container=            | mounts[1].container_path",
			"mount over root         | container=/..         | mounts[1].container_path",
			"relative host path      | host=data             | mounts[1].host_path",
			"empty host path         | host=                 | mounts[1].host_path",
			"duplicate destination   | container=/ok/        | mounts[1].container_path",
			"id-mapped mount         | uidmap                | mounts[1].uidMappings",
			"rro without readonly    | rro                   | mounts[1].recursive_read_only",
			"rro with propagation    | rro-slave             | mounts[1].recursive_read_only",
			"unknown propagation     | propagation=7         | mounts[1].propagation",
			"unresolved image volume | image                 | mounts[1].image" })
	void badMountsAreRefusedNamingTheField(String why, String change, String field) {
		Mount.Builder bad = bind("/data", "/host/data").toBuilder();
		String[] kv = change.split("=", 2);
		switch (kv[0]) {
			case "container" -> bad.setContainerPath(kv[1]);
			case "host" -> bad.setHostPath(kv[1]);
			case "uidmap" -> bad.addUidMappings(IDMapping.newBuilder().setHostId(100000).setLength(65536));
			case "rro" -> bad.setRecursiveReadOnly(true);
			case "rro-slave" -> bad.setReadonly(true)
				.setRecursiveReadOnly(true)
				.setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER);
			case "propagation" -> bad.setPropagationValue(Integer.parseInt(kv[1]));
			case "image" -> bad.setHostPath("").setImage(ImageSpec.newBuilder().setImage("sha256:abc"));
			default -> throw new IllegalArgumentException(change);
		}

		assertThatThrownBy(() -> generate((c) -> c.addMounts(bind("/ok", "/host/ok")).addMounts(bad)))
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining(field);
	}

	static Mount bind(String container, String host) {
		return Mount.newBuilder().setContainerPath(container).setHostPath(host).build();
	}

	/** "destination type source opt,opt" per mount. */
	static List<String> lines(JsonNode mounts) {
		List<String> out = new ArrayList<>();
		for (JsonNode m : mounts) {
			out.add(m.path("destination").asString() + " " + m.path("type").asString() + " " + m.path("source").asString() + " "
					+ String.join(",", texts(m.path("options"))));
		}
		return out;
	}

	static List<String> destinations(JsonNode mounts) {
		List<String> out = new ArrayList<>();
		mounts.forEach((m) -> out.add(m.path("destination").asString()));
		return out;
	}

}
