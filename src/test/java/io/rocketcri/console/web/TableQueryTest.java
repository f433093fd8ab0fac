package io.rocketcri.console.web;

import java.util.Map;

import io.rocketcri.failure.InvalidArgument;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Filters and sort links of the tables, in crictl's vocabulary. */
class TableQueryTest {

	@Test
	void sortLinksKeepTheFiltersAndFlipTheCurrentColumn() {
		TableQuery q = new TableQuery("^web", "shop", null, "app=web", null, "name", "asc");
		assertThat(q.sortHref("/pods", "name", "created")).isEqualTo("/pods?name=%5Eweb&namespace=shop&label=app%3Dweb&sort=name&dir=desc");
		assertThat(q.sortHref("/pods", "state", "created")).endsWith("&sort=state&dir=asc");
		assertThat(q.sortClass("name", "created")).isEqualTo("sorted-asc");
		assertThat(q.sortClass("state", "created")).isEmpty();
		assertThat(q.queryString()).isEqualTo("name=%5Eweb&namespace=shop&label=app%3Dweb&sort=name&dir=asc");
	}

	@Test
	void labelsMatchByKeyAndValueOrByKeyAlone() {
		assertThat(query("app=web").labelMatches(Map.of("app", "web"))).isTrue();
		assertThat(query("app=web").labelMatches(Map.of("app", "db"))).isFalse();
		assertThat(query("app").labelMatches(Map.of("app", "anything"))).isTrue();
		assertThat(query("app").labelMatches(Map.of())).isFalse();
		assertThatThrownBy(() -> query("=web").labelPair()).isInstanceOf(InvalidArgument.class).hasMessageContaining("key=value");
	}

	@Test
	void aBadNameRegexSaysWhatIsWrong() {
		assertThatThrownBy(() -> new TableQuery("[a", null, null, null, null, null, null).namePattern())
			.isInstanceOf(InvalidArgument.class)
			.hasMessageContaining("filter name: not a regular expression");
	}

	private static TableQuery query(String label) {
		return new TableQuery(null, null, null, label, null, null, null);
	}

}
