package io.rocketcri.network;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The network list docs/cni.md tells operators to install is one rocket-cri accepts. */
class DocumentedConflistTest {

	@TempDir
	Path dir;

	@Test
	void theDefaultNetworkInTheDocsIsUsable() throws Exception {
		String doc = Files.readString(Path.of("docs/cni.md"));
		int start = doc.indexOf("```json\n") + "```json\n".length();
		String conflist = doc.substring(start, doc.indexOf("```", start));
		Files.writeString(this.dir.resolve("10-rocket-cri.conflist"), conflist);

		CniConfigLocator.Lookup lookup = new CniConfigLocator(this.dir).lookup();

		assertThat(lookup).isInstanceOfSatisfying(CniConfigLocator.Present.class, present -> {
			assertThat(present.config().networkName()).isEqualTo("rocket-cri");
			assertThat(present.config().pluginTypes()).containsExactly("bridge", "portmap");
			assertThat(present.config().list().at("/plugins/1/capabilities/portMappings").asBoolean()).isTrue();
			assertThat(present.config().list().at("/plugins/0/ipam/ranges/0/0/subnet").asString()).isEqualTo("10.88.0.0/16");
		});
	}

}
