package io.rocketcri.image.registry;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TomlSubsetParserTest {

	@Test
	void readsTablesArraysOfTablesAndNestedArraysOfTables() {
		Map<String, Object> doc = TomlSubsetParser.parse("""
				# leading comment
				unqualified-search-registries = ["docker.io", 'quay.io',] # trailing comma
				short-name-mode = "enforcing"

				[[registry]]
				prefix = "registry.k8s.io"
				insecure = false
				[[registry.mirror]]
				location = "127.0.0.1:5000"
				insecure = true
				[[registry.mirror]]
				location = "mirror.example.com"

				[[registry]]
				location = "quay.io"
				mirror = [
				  { location = "a.example" },   # comment inside an array
				  { location = "b.example", insecure = true },
				]

				[aliases]
				"fedora" = "registry.fedoraproject.org/fedora"
				a.b.c = 1_000
				""");
		assertThat(doc.get("unqualified-search-registries")).isEqualTo(List.of("docker.io", "quay.io"));
		assertThat(doc.get("short-name-mode")).isEqualTo("enforcing");
		List<?> registries = (List<?>) doc.get("registry");
		assertThat(registries).hasSize(2);
		Map<?, ?> first = (Map<?, ?>) registries.get(0);
		assertThat(first.get("prefix")).isEqualTo("registry.k8s.io");
		assertThat(first.get("insecure")).isEqualTo(false);
		assertThat(first.get("mirror")).isEqualTo(List.of(Map.of("location", "127.0.0.1:5000", "insecure", true),
				Map.of("location", "mirror.example.com")));
		Map<?, ?> second = (Map<?, ?>) registries.get(1);
		assertThat(second.get("mirror")).isEqualTo(
				List.of(Map.of("location", "a.example"), Map.of("location", "b.example", "insecure", true)));
		Map<?, ?> aliases = (Map<?, ?>) doc.get("aliases");
		assertThat(aliases.get("fedora")).isEqualTo("registry.fedoraproject.org/fedora");
		assertThat(aliases.get("a")).isEqualTo(Map.of("b", Map.of("c", 1000L)));
	}

	@Test
	void decodesEscapesInBasicStringsButNotInLiteralStrings() {
		Map<String, Object> doc = TomlSubsetParser.parse("""
				a = "x\\"y\\\\z\\u00e9 # not a comment"
				b = 'c:\\path'
				""");
		assertThat(doc.get("a")).isEqualTo("x\"y\\z\u00e9 # not a comment");
		assertThat(doc.get("b")).isEqualTo("c:\\path");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			a = "unterminated                  | line 1: unterminated string
			a = 1\\nb = nope                    | line 2: expected a string, boolean, integer, array or inline table
			a = 1\\na = 2                       | line 2: key "a" is defined twice
			[table\\nk = 1                      | line 1: expected ']'
			a = [1 2]                           | line 1: expected ',' or ']' in array
			a = 1 b = 2                         | line 1: expected the end of the line
			a = \\"\\"\\"multi\\"\\"\\"          | multi-line strings are not supported
			a = 1.5                             | expected the end of the line
			""")
	void reportsSyntaxErrorsWithTheLine(String text, String message) {
		String toml = text.replace("\\n", "\n").replace("\\\"", "\"");
		assertThatThrownBy(() -> TomlSubsetParser.parse(toml)).isInstanceOf(TomlSubsetParser.TomlSyntaxException.class)
			.hasMessageContaining(message);
	}

}
