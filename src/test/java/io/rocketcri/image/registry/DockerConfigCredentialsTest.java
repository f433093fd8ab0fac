package io.rocketcri.image.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerConfigCredentialsTest {

	@TempDir
	Path dir;

	@Test
	void readsAuthsByHostFoldingDockerHubAliasesAndFirstFileWins() throws IOException {
		String auth = Base64.getEncoder().encodeToString("hub:secret".getBytes());
		Path root = Files.writeString(this.dir.resolve("root.json"), """
				{"auths": {
				  "https://index.docker.io/v1/": {"auth": "%s"},
				  "127.0.0.1:5000": {"username": "alice", "password": "pw"},
				  "http://tokens.example/": {"identitytoken": "refresh-me"},
				  "empty.example": {}
				}, "credsStore": "desktop"}
				""".formatted(auth));
		Path kubelet = Files.writeString(this.dir.resolve("kubelet.json"), """
				{"auths": {"127.0.0.1:5000": {"username": "bob", "password": "other"},
				           "quay.io": {"registrytoken": "rt"}}}
				""");
		DockerConfigCredentials creds = DockerConfigCredentials
			.load(List.of(this.dir.resolve("missing.json"), root, kubelet));
		assertThat(creds.forHost("registry-1.docker.io").userInfo()).isEqualTo("hub:secret");
		assertThat(creds.forHost("docker.io").auth()).isEqualTo(auth);
		assertThat(creds.forHost("127.0.0.1:5000").username()).isEqualTo("alice");
		assertThat(creds.forHost("tokens.example").identityToken()).isEqualTo("refresh-me");
		assertThat(creds.forHost("quay.io").registryToken()).isEqualTo("rt");
		assertThat(creds.forHost("empty.example")).isSameAs(RegistryCredentials.NONE);
		assertThat(creds.forHost("elsewhere.example").isEmpty()).isTrue();
	}

	@Test
	void noFilesMeansNoCredentials() {
		assertThat(DockerConfigCredentials.load(List.of(this.dir.resolve("nope.json"))).forHost("docker.io").isEmpty())
			.isTrue();
		assertThat(DockerConfigCredentials.none().forHost("docker.io")).isEqualTo(RegistryCredentials.NONE);
	}

	@Test
	void malformedFileIsReportedByName() throws IOException {
		Path bad = Files.writeString(this.dir.resolve("config.json"), "{\"auths\": ");
		assertThatThrownBy(() -> DockerConfigCredentials.load(List.of(bad))).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining(bad.toString())
			.hasMessageContaining("not valid JSON");
	}

	@Test
	void credentialsNeverPrintTheirSecrets() {
		RegistryCredentials creds = new RegistryCredentials("u", "hunter2", "aHVudGVyMg==", "h", "idtok", "regtok");
		assertThat(creds.toString()).doesNotContain("hunter2", "aHVudGVyMg==", "idtok", "regtok").contains("u");
		assertThatThrownBy(() -> new RegistryCredentials(null, null, "bm9jb2xvbg==", null, null, null).userInfo())
			.hasMessageContaining("username:password");
	}

}
