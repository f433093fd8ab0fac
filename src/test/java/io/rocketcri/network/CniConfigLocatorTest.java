package io.rocketcri.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class CniConfigLocatorTest {

	@TempDir
	Path dir;

	private CniConfigLocator.Lookup lookup() {
		return new CniConfigLocator(this.dir).lookup();
	}

	private CniConfigLocator.Found found() {
		assertThat(lookup()).isInstanceOf(CniConfigLocator.Present.class);
		return ((CniConfigLocator.Present) lookup()).config();
	}

	private String missing() {
		assertThat(lookup()).isInstanceOf(CniConfigLocator.Missing.class);
		return ((CniConfigLocator.Missing) lookup()).reason();
	}

	@Test
	void theLexicographicallyFirstUsableFileWins() throws IOException {
		Files.writeString(this.dir.resolve("20-b.conflist"),
				"{\"cniVersion\":\"1.0.0\",\"name\":\"b\",\"plugins\":[{\"type\":\"bridge\"}]}");
		Files.writeString(this.dir.resolve("10-a.conflist"), "{ not json");
		Files.writeString(this.dir.resolve("05-readme.txt"), "ignored");

		assertThat(found().networkName()).isEqualTo("b");
		assertThat(((CniConfigLocator.Present) lookup()).skipped()).singleElement()
			.satisfies(problem -> assertThat(problem).startsWith("10-a.conflist"));
	}

	@Test
	void aSinglePluginConfIsAListOfOne() throws IOException {
		Files.writeString(this.dir.resolve("10-a.conf"),
				"{\"cniVersion\":\"0.4.0\",\"name\":\"a\",\"type\":\"bridge\",\"bridge\":\"cni0\"}");

		CniConfigLocator.Found found = found();
		assertThat(found.pluginTypes()).containsExactly("bridge");
		assertThat(found.cniVersion()).isEqualTo("0.4.0");
		assertThat(found.list().path("plugins").get(0).path("bridge").asString()).isEqualTo("cni0");
	}

	@Test
	void cniVersionsPicksTheHighestSupported() throws IOException {
		Files.writeString(this.dir.resolve("10-a.conflist"), """
				{"cniVersions":["0.3.1","1.0.0","9.0.0"],"name":"a","plugins":[{"type":"bridge"}]}""");

		assertThat(found().cniVersion()).isEqualTo("1.0.0");
		assertThat(found().list().path("cniVersion").asString()).isEqualTo("1.0.0");
	}

	@Test
	void unsupportedVersionsMissingNamesAndPathTypesMakeAFileUnusable() throws IOException {
		Files.writeString(this.dir.resolve("10-old.conflist"),
				"{\"cniVersion\":\"0.2.0\",\"name\":\"a\",\"plugins\":[{\"type\":\"bridge\"}]}");
		Files.writeString(this.dir.resolve("20-noname.conflist"),
				"{\"cniVersion\":\"1.0.0\",\"plugins\":[{\"type\":\"bridge\"}]}");
		Files.writeString(this.dir.resolve("30-path.conflist"),
				"{\"cniVersion\":\"1.0.0\",\"name\":\"c\",\"plugins\":[{\"type\":\"../../bin/sh\"}]}");

		assertThat(missing()).contains("10-old.conflist asks for CNI version '0.2.0'")
			.contains("20-noname.conflist names no network")
			.contains("30-path.conflist names no plugin type or an invalid one");
	}

	@Test
	void anEmptyDirectoryIsNamed() {
		assertThat(missing()).isEqualTo("no CNI network configuration in " + this.dir);
	}

	@Test
	void theListIsACopy() throws IOException {
		Files.writeString(this.dir.resolve("10-a.conflist"),
				"{\"cniVersion\":\"1.0.0\",\"name\":\"a\",\"plugins\":[{\"type\":\"bridge\"}]}");
		CniConfigLocator.Found found = found();

		found.list().put("name", "changed");

		assertThat(found.list().path("name").asString()).isEqualTo("a");
	}

}
