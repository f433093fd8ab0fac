package io.rocketcri.image.reference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageReferenceTest {

	private static final String SHA = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

	@ParameterizedTest(name = "{0}")
	@CsvSource(nullValues = "-", textBlock = """
			# text                                       | domain               | path                        | tag     | digest?
			busybox,                                     docker.io,             library/busybox,              latest,  -
			busybox:1.36,                                docker.io,             library/busybox,              1.36,    -
			library/busybox,                             docker.io,             library/busybox,              latest,  -
			docker.io/busybox,                           docker.io,             library/busybox,              latest,  -
			index.docker.io/library/busybox:1.36,        docker.io,             library/busybox,              1.36,    -
			rancher/pause:3.1,                           docker.io,             rancher/pause,                3.1,     -
			registry.k8s.io/pause:3.10,                  registry.k8s.io,       pause,                        3.10,    -
			registry.k8s.io/e2e-test-images/busybox:1.29-4, registry.k8s.io,    e2e-test-images/busybox,      1.29-4,  -
			localhost/app,                               localhost,             app,                          latest,  -
			localhost:5000/app:v1,                       localhost:5000,        app,                          v1,      -
			127.0.0.1:5000/busybox:1.36,                 127.0.0.1:5000,        busybox,                      1.36,    -
			[::1]:5000/a/b,                              [::1]:5000,            a/b,                          latest,  -
			Example.com/team/app,                        Example.com,           team/app,                     latest,  -
			quay.io/a.b/c__d/e-f---g_h:TAG_x.y-z,        quay.io,               a.b/c__d/e-f---g_h,           TAG_x.y-z, -
			""")
	void parsesAndNormalises(String text, String domain, String path, String tag, String digest) {
		ImageReference ref = ImageReference.parse(text);
		assertThat(ref).isEqualTo(new ImageReference(domain, path, tag, digest));
		assertThat(ref.familiar()).isEqualTo(domain + "/" + path + ":" + tag);
	}

	@Test
	void digestOnlyHasNoDefaultTag() {
		ImageReference ref = ImageReference.parse("busybox@" + SHA);
		assertThat(ref.tag()).isNull();
		assertThat(ref.digest()).isEqualTo(SHA);
		assertThat(ref.tagOrDigest()).isEqualTo(SHA);
		assertThat(ref.familiar()).isEqualTo("docker.io/library/busybox@" + SHA);
	}

	@Test
	void tagAndDigestAreBothKeptAndTheDigestIsWhatGetsPulled() {
		ImageReference ref = ImageReference.parse("127.0.0.1:5000/busybox:1.36@" + SHA);
		assertThat(ref).isEqualTo(new ImageReference("127.0.0.1:5000", "busybox", "1.36", SHA));
		assertThat(ref.tagOrDigest()).isEqualTo(SHA);
		assertThat(ref).hasToString("127.0.0.1:5000/busybox:1.36@" + SHA);
	}

	@Test
	void withDigestPinsAndWithoutTagDropsTheTag() {
		ImageReference ref = ImageReference.parse("busybox:1.36");
		assertThat(ref.withDigest(SHA).familiar()).isEqualTo("docker.io/library/busybox:1.36@" + SHA);
		assertThat(ref.withDigest(SHA).withoutTag().familiar()).isEqualTo("docker.io/library/busybox@" + SHA);
		assertThat(ref.withoutTag().familiar()).isEqualTo("docker.io/library/busybox");
		assertThat(ref.repository()).isEqualTo("docker.io/library/busybox");
		assertThatThrownBy(() -> ref.withDigest("sha256:abc")).isInstanceOf(InvalidReferenceException.class)
			.hasMessageContaining("64 lowercase hex");
	}

	@Test
	void parsingTheCanonicalStringGivesTheSameReference() {
		for (String text : new String[] { "busybox", "a/b:c", "h.io:1/x@" + SHA, "h.io/x:t@" + SHA }) {
			ImageReference ref = ImageReference.parse(text);
			assertThat(ImageReference.parse(ref.familiar())).isEqualTo(ref);
		}
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			''                                  | reference is empty
			Busybox                             | repository name must be lowercase
			docker.io/Library/busybox           | repository name must be lowercase
			busybox:                            | tag ""
			busybox:-x                          | tag "-x"
			busybox:a/b                         | "busybox:a" is not a valid registry domain
			a//b                                | empty component
			busybox/                            | empty component
			:tag                                | repository name is empty
			-busybox                            | repository path component "-busybox"
			busy..box                           | repository path component
			busybox@sha256:abc                  | sha256 digest must be 64 lowercase hex characters, got 3
			busybox@md5:0123456789abcdef0123456789abcdef | unsupported digest algorithm "md5"
			busybox@latest                      | not of the form algorithm:hex
			bad_host.io:x/busybox               | is not a valid registry domain
			0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef | image id
			""")
	void rejectsInvalidReferencesSayingWhy(String text, String reason) {
		assertThatThrownBy(() -> ImageReference.parse(text)).isInstanceOf(InvalidReferenceException.class)
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageStartingWith("invalid image reference \"" + text + "\": ")
			.hasMessageContaining(reason);
	}

	@Test
	void rejectsNamesLongerThan255Characters() {
		String text = "example.com/" + "a".repeat(250);
		assertThatThrownBy(() -> ImageReference.parse(text)).isInstanceOf(InvalidReferenceException.class)
			.hasMessageContaining("longer than 255");
	}

}
