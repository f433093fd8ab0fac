package io.rocketcri.console.api;

import java.util.List;

import io.rocketcri.engine.PodEngine;
import io.rocketcri.failure.FailedPrecondition;
import io.rocketcri.failure.Internal;
import io.rocketcri.failure.NotFound;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Hostile and wrong requests get 400 (or 404, 405, ...) problem+json naming the problem, never a trace. */
class ApiProblemsTest extends ApiMvcTest {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
			"/api/v1/pods?name=(unclosed                       | name: not a valid regular expression",
			"/api/v1/pods?namespace=[z-a]                      | namespace: not a valid regular expression",
			"/api/v1/pods?state=sleeping                       | state: unknown pod state",
			"/api/v1/containers?state=CONTAINER_DREAMING       | state: unknown container state",
			"/api/v1/pods?labelSelector=app=web,=x             | labelSelector:",
			"/api/v1/pods?limit=0                              | limit: must be between",
			"/api/v1/pods/..%2Fetc                             | id: ",
			"/api/v1/containers/abc..def                       | id: ",
			"/api/v1/containers/abc/logs?tailLines=-1          | tailLines: must not be negative",
			"/api/v1/containers/abc/logs?tailLines=ten         | tailLines: \"ten\" is not a whole number",
			"/api/v1/containers/abc/logs?sinceTime=yesterday   | sinceTime: \"yesterday\" is not an RFC 3339 time",
			"/api/v1/containers/abc/logs?stream=stdin          | stream: unknown stream",
			"/api/v1/containers/abc/logs?sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z | sinceSeconds, sinceTime:",
			"/api/v1/containers/abc/logs?follow=maybe          | follow: \"maybe\" is not true or false",
			"/api/v1/images/..                                 | id: ",
			"/api/v1/stats/containers?pod=x/y                  | pod: ", })
	void badParametersAre400NamingTheParameter(String url, String detail) throws Exception {
		mvc.perform(get(url))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.code").value("invalid-argument"))
			.andExpect(jsonPath("$.type").value("https://rocket-cri.io/problems/invalid-argument"))
			.andExpect(jsonPath("$.status").value(400))
			.andExpect(jsonPath("$.title").value("Bad Request"))
			.andExpect(jsonPath("$.detail", startsWith(detail)));
	}

	@Test
	void aHugeLabelSelectorIsRefusedWithoutEchoingItWhole() throws Exception {
		String huge = "a=b,".repeat(5000);
		mvc.perform(get("/api/v1/pods").param("labelSelector", huge))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value("labelSelector: 20000 characters long; at most 4096"));
	}

	@Test
	void aCatastrophicRegexIsRefusedInsteadOfPinningACpu() throws Exception {
		when(pods.list(any())).thenReturn(List.of(ApiFixtures.pod(ApiFixtures.POD_ID, "a".repeat(60) + "!", "ns",
				io.rocketcri.pod.PodSandboxState.READY, java.util.Map.of())));
		mvc.perform(get("/api/v1/pods").param("name", "(.*a){20}b"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value("name: the regular expression takes too long to match; simplify it"));
	}

	@Test
	void unknownObjectsAre404WithTheCapabilitysMessage() throws Exception {
		when(containers.status("abc")).thenThrow(new NotFound("container abc not found"));
		mvc.perform(get("/api/v1/containers/abc"))
			.andExpect(status().isNotFound())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.code").value("not-found"))
			.andExpect(jsonPath("$.detail").value("container abc not found"))
			.andExpect(jsonPath("$.instance").value("/api/v1/containers/abc"));
	}

	@Test
	void logsOfAnUnknownContainerAre404EvenWhenTextWasAskedFor() throws Exception {
		when(logs.open(any(), any())).thenThrow(new NotFound("container abc not found"));
		mvc.perform(get("/api/v1/containers/abc/logs").accept(MediaType.TEXT_PLAIN))
			.andExpect(status().isNotFound())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.code").value("not-found"));
	}

	@Test
	void unknownApiPathsAndMethodsAreProblemsToo() throws Exception {
		mvc.perform(get("/api/v1/nothing-here"))
			.andExpect(status().isNotFound())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.code").value("not-found"))
			.andExpect(jsonPath("$.detail", containsString("GET /api/v1/nothing-here")));
		mvc.perform(put("/api/v1/pods"))
			.andExpect(status().isMethodNotAllowed())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.code").value("method-not-allowed"));
		mvc.perform(get("/api/v1/containers/abc/logs").accept(MediaType.APPLICATION_XML))
			.andExpect(status().isNotAcceptable())
			.andExpect(jsonPath("$.code").value("not-acceptable"));
	}

	@Test
	void malformedJsonIs400SayingWhatIsWrong() throws Exception {
		mvc.perform(post("/api/v1/containers/abc/exec").contentType(MediaType.APPLICATION_JSON).content("{\"command\": [\"ls\""))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("invalid-argument"))
			.andExpect(jsonPath("$.detail", startsWith("request body: not valid JSON")));
		mvc.perform(post("/api/v1/containers/abc/exec").contentType(MediaType.APPLICATION_JSON).content("{\"command\": []}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail", startsWith("command:")));
		mvc.perform(post("/api/v1/containers/abc/exec").contentType(MediaType.TEXT_PLAIN).content("ls"))
			.andExpect(status().isUnsupportedMediaType())
			.andExpect(jsonPath("$.code").value("unsupported-media-type"));
		mvc.perform(post("/api/v1/images/pull").contentType(MediaType.APPLICATION_JSON).content("[1, 2]"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("invalid-argument"));
	}

	@Test
	void stateConflictsTimeoutsAndOurOwnBugsMapToTheirCodes() throws Exception {
		when(containers.execSync(any(), anyList(), any()))
			.thenThrow(new FailedPrecondition("exec in container abc: it is exited, not running"));
		mvc.perform(post("/api/v1/containers/abc/exec").contentType(MediaType.APPLICATION_JSON).content("{\"command\":[\"ls\"]}"))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.code").value("failed-precondition"));

		org.mockito.Mockito.doReturn(new PodEngine.ExecOutput(-1, new byte[0], new byte[0], true))
			.when(containers).execSync(any(), anyList(), any());
		mvc.perform(post("/api/v1/containers/abc/exec").contentType(MediaType.APPLICATION_JSON)
			.content("{\"command\":[\"sleep\",\"99\"],\"timeoutSeconds\":1}"))
			.andExpect(status().isGatewayTimeout())
			.andExpect(jsonPath("$.code").value("deadline-exceeded"))
			.andExpect(jsonPath("$.detail", containsString("longer than 1 seconds")));

		when(pods.list(any())).thenThrow(new Internal("listing pods: the store broke", new RuntimeException("deep cause")));
		mvc.perform(get("/api/v1/pods"))
			.andExpect(status().isInternalServerError())
			.andExpect(jsonPath("$.code").value("internal"))
			.andExpect(content().string(not(containsString("at io.rocketcri"))))
			.andExpect(content().string(not(containsString("deep cause"))));

		org.mockito.Mockito.doThrow(new IllegalStateException("a secret internal detail")).when(pods).list(any());
		mvc.perform(get("/api/v1/pods"))
			.andExpect(status().isInternalServerError())
			.andExpect(jsonPath("$.code").value("internal"))
			.andExpect(content().string(not(containsString("secret"))));
	}

	@Test
	void stopTimeoutOutOfRangeIsRefused() throws Exception {
		mvc.perform(post("/api/v1/containers/abc/stop").param("timeoutSeconds", "-5"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail", startsWith("timeoutSeconds:")));
	}

}
