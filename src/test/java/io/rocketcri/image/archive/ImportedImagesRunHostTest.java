package io.rocketcri.image.archive;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.rocketcri.cri.api.ContainerStatus;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.ImageStatusRequest;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.testsupport.CriPods;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.LayerBuilder;
import io.rocketcri.testsupport.Layers;
import io.rocketcri.testsupport.OciImageBuilder;
import io.rocketcri.testsupport.RuntimeUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Images imported from files run through CRI like pulled ones: an ACI and a docker save archive,
 * each with an app that prints its uid, gid, an environment variable, its working directory and
 * its arguments, so that the container's log proves the image's exec, user, environment and
 * working directory were honoured. Pods use the host network, so no CNI is involved.
 */
@Tag("host")
@SpringBootTest
class ImportedImagesRunHostTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("archives");

	static CriSocketClient client;

	@Autowired
	ImageArchives archives;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry props) {
		runtime.register(props);
	}

	@BeforeAll
	static void connect() {
		client = new CriSocketClient(runtime.socket());
	}

	@AfterAll
	static void close() throws InterruptedException {
		client.close();
	}

	/** The app: prints who and where it is, then exits. Group 100 is "users" in the busybox root. */
	static LayerBuilder rootfs() {
		return Layers.busyboxRoot()
			.dir("srv/work", 0755, Layers.DEFAULT_UID, Layers.DEFAULT_GID)
			.file("bin/app.sh", """
					#!/bin/sh
					echo "uid=$(id -u) gid=$(id -g) greeting=$GREETING pwd=$(pwd) args=$*"
					""".getBytes(StandardCharsets.UTF_8), 0755);
	}

	@Test
	void anAciRunsWithItsExecUserGroupEnvironmentAndWorkingDirectory() throws Exception {
		Map<String, Object> app = new LinkedHashMap<>();
		app.put("exec", List.of("/bin/app.sh", "from-exec"));
		app.put("user", Layers.DEFAULT_USER);
		app.put("group", Layers.SUPPLEMENTARY_GROUP);
		app.put("environment", List.of(Map.of("name", "GREETING", "value", "hello-appc")));
		app.put("workingDirectory", "/srv/work");
		byte[] aci = ArchiveFixtures.gzip(ArchiveFixtures.aci(ArchiveFixtures.aciManifest("example.com/rkt-app", "1.0.0", app),
				rootfs()));

		this.archives.importArchive(new ByteArrayInputStream(aci), "rkt-app.aci");

		assertThat(client.images()
			.imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage("example.com/rkt-app:1.0.0")).build())
			.getImage()
			.getUsername()).isEqualTo(Layers.DEFAULT_USER);
		assertThat(runToCompletion("aci", "example.com/rkt-app:1.0.0"))
			.contains("uid=1000 gid=100 greeting=hello-appc pwd=/srv/work args=from-exec");
	}

	@Test
	void aDockerSaveImageRunsWithItsEntrypointUserEnvironmentAndWorkingDirectory() throws Exception {
		var image = OciImageBuilder.scratch()
			.format(OciImageBuilder.Format.DOCKER_SCHEMA2)
			.compression(OciImageBuilder.Compression.NONE)
			.layer(rootfs())
			.env(OciImageBuilder.DEFAULT_PATH, "GREETING=hello-docker")
			.entrypoint("/bin/app.sh")
			.cmd("from-cmd")
			.user("1000:100")
			.workingDir("/srv/work")
			.build();
		byte[] archive = ArchiveFixtures.dockerSave(Map.of("example.com/docker-app:2", image));

		this.archives.importArchive(new ByteArrayInputStream(archive), "docker-app.tar");

		assertThat(runToCompletion("docker", "example.com/docker-app:2"))
			.contains("uid=1000 gid=100 greeting=hello-docker pwd=/srv/work args=from-cmd");
	}

	/** Runs the image's default process in a host-network pod and returns its log once it exited. */
	static String runToCompletion(String name, String image) throws Exception {
		CriPods pods = new CriPods(client, runtime, "archives");
		PodSandboxConfig pod = pods.hostNetworkPod(name);
		String podId = pods.run(pod);
		try {
			String id = pods.start(podId, pod, name, image, c -> c);
			// not a timing assertion: a generous bound so that a hang fails instead of blocking the build
			ContainerStatus status = pods.awaitExit(id, Duration.ofMinutes(2));
			String log = Files.readString(Path.of(pod.getLogDirectory()).resolve(name + ".log"));
			assertThat(status.getExitCode()).as(log).isZero();
			return log;
		}
		finally {
			pods.remove(podId);
		}
	}

}
