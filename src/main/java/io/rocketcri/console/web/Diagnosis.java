package io.rocketcri.console.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerState;
import io.rocketcri.image.PullFailure;
import io.rocketcri.node.RuntimeCondition;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxState;

/**
 * Why a container is not running, in one headline and the facts behind it: its exit (code,
 * signal, OOM kill, reason and message), its image's last pull failure, and its pod's network
 * (the pod not ready, CNI not set up, NetworkReady false). Pure: built from what the services
 * return, so the rules are tested without a runtime.
 *
 * @param failed whether something went wrong (a running container or a clean exit is not)
 */
record Diagnosis(String headline, boolean failed, List<Fact> facts) {

	/** One finding; {@code bad} ones are shown as the cause. */
	record Fact(String label, String text, boolean bad) {
	}

	static Diagnosis of(Container c, PodSandbox pod, Optional<PullFailure> pull, RuntimeCondition networkReady,
			Optional<ConsoleEvent> lastPodFailure) {
		List<Fact> facts = new ArrayList<>();
		String headline;
		boolean failed;
		switch (c.state()) {
			case RUNNING -> {
				headline = "Container %s is running.".formatted(c.name());
				failed = false;
			}
			case EXITED -> {
				failed = c.exitCode() != 0 || "OOMKilled".equals(c.reason());
				headline = "Container %s exited with code %d: %s".formatted(c.name(), c.exitCode(), exitMeaning(c));
			}
			case CREATED -> {
				headline = "Container %s was created but never started.".formatted(c.name());
				failed = true;
			}
			default -> {
				headline = "Container %s is in an unknown state: creating it failed halfway.".formatted(c.name());
				failed = true;
			}
		}
		facts.add(new Fact("state", ContainerRow.stateName(c.state().name()), failed));
		if (c.state() == ContainerState.EXITED) {
			facts.add(new Fact("exit code", Integer.toString(c.exitCode()), c.exitCode() != 0));
			facts.add(new Fact("OOMKilled", Boolean.toString("OOMKilled".equals(c.reason())), "OOMKilled".equals(c.reason())));
			facts.add(new Fact("finished", Formats.time(c.finishedAt()), false));
		}
		if (!c.reason().isEmpty()) {
			facts.add(new Fact("reason", c.reason(), failed));
		}
		if (!c.message().isEmpty()) {
			facts.add(new Fact("message", c.message(), failed));
		}
		var limit = c.config().getLinux().getResources().getMemoryLimitInBytes();
		if ("OOMKilled".equals(c.reason()) && limit > 0) {
			facts.add(new Fact("memory limit", Formats.bytes(limit) + " — raise it or find what grows", true));
		}
		pull.ifPresent(p -> facts.add(new Fact("image pull", "pulling %s failed at %s: %s".formatted(p.image(),
				Formats.time(p.at()), p.message()), true)));
		if (pod == null) {
			facts.add(new Fact("pod", "its pod sandbox " + c.podId() + " is gone", true));
		}
		else {
			boolean podReady = pod.state() == PodSandboxState.READY;
			facts.add(new Fact("pod", "%s/%s is %s".formatted(pod.namespace(), pod.name(), PodRow.stateName(pod.state())),
					!podReady));
			if (!pod.hostNetwork()) {
				facts.add(new Fact("pod network", pod.networkReady()
						? "set up by CNI" + (pod.ips().isEmpty() ? "" : ", IP " + String.join(", ", pod.ips()))
						: "not set up (the pod was stopped, or CNI tearing down/setting up failed)", podReady && !pod.networkReady()));
			}
			else {
				facts.add(new Fact("pod network", "host network", false));
			}
		}
		lastPodFailure.ifPresent(e -> facts.add(new Fact("pod sandbox failure", e.time() + ": " + e.message(), true)));
		if (!networkReady.status()) {
			facts.add(new Fact("NetworkReady", networkReady.reason() + ": " + networkReady.message(), true));
		}
		return new Diagnosis(headline, failed, List.copyOf(facts));
	}

	/** What an exit code says, the way operators read them (126/127 from the shell, 128+n a signal). */
	static String exitMeaning(Container c) {
		if ("OOMKilled".equals(c.reason())) {
			return "killed by the kernel's OOM killer (out of memory)";
		}
		int code = c.exitCode();
		return switch (code) {
			case 0 -> "completed";
			case 126 -> "the command cannot be executed (permission or not a binary)";
			case 127 -> "command not found";
			case 137 -> "killed (SIGKILL): stopped after the grace period, or by the OOM killer";
			case 143 -> "terminated (SIGTERM)";
			default -> code > 128 && code < 160 ? "killed by signal " + (code - 128) : "the program failed (" + c.reason() + ")";
		};
	}

}
