package io.rocketcri.console.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The events rows sent over SSE: one line (an SSE data field ends at a newline), escaped. */
class EventStreamRowTest {

	@Test
	void aRowIsOneEscapedLine() {
		String row = EventStreamController.row(new ConsoleEvent("pod", "FAILED", "abc", "<img src=x>", "p", "ns",
				"CNI said:\nno", ConsoleFixtures.NOW));
		assertThat(row).doesNotContain("\n").doesNotContain("<img").contains("&lt;img src=x&gt;").contains("CNI said: no");
		assertThat(row).contains("<a href=\"/pods/abc\">");
	}

	@Test
	void removedObjectsHaveNoLink() {
		String row = EventStreamController.row(new ConsoleEvent("container", "DELETED", "abc", "app", "p", "ns", "", 1));
		assertThat(row).doesNotContain("<a ");
	}

}
