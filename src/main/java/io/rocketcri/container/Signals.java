package io.rocketcri.container;

import java.util.Map;
import java.util.Optional;

import io.rocketcri.cri.api.Signal;

/** Linux x86_64 signal numbers for the names CRI and image configs use (STOPSIGNAL "SIGQUIT", "QUIT" or "3"). */
final class Signals {

	static final int SIGKILL = 9;

	static final int SIGTERM = 15;

	private static final Map<String, Integer> NUMBERS = Map.ofEntries(Map.entry("HUP", 1), Map.entry("INT", 2),
			Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("IOT", 6),
			Map.entry("BUS", 7), Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11),
			Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15),
			Map.entry("STKFLT", 16), Map.entry("CHLD", 17), Map.entry("CLD", 17), Map.entry("CONT", 18),
			Map.entry("STOP", 19), Map.entry("TSTP", 20), Map.entry("TTIN", 21), Map.entry("TTOU", 22),
			Map.entry("URG", 23), Map.entry("XCPU", 24), Map.entry("XFSZ", 25), Map.entry("VTALRM", 26),
			Map.entry("PROF", 27), Map.entry("WINCH", 28), Map.entry("IO", 29), Map.entry("POLL", 29),
			Map.entry("PWR", 30), Map.entry("SYS", 31), Map.entry("RTMIN", 34), Map.entry("RTMAX", 64));

	private Signals() {
	}

	static Optional<Integer> parse(String text) {
		if (text == null || text.isBlank()) {
			return Optional.empty();
		}
		String t = text.strip().toUpperCase();
		if (t.chars().allMatch(Character::isDigit)) {
			int n = Integer.parseInt(t);
			return n > 0 && n <= 64 ? Optional.of(n) : Optional.empty();
		}
		t = t.startsWith("SIG") ? t.substring(3) : t;
		if (t.startsWith("RTMIN+")) {
			return Optional.of(34 + Integer.parseInt(t.substring(6)));
		}
		if (t.startsWith("RTMAX-")) {
			return Optional.of(64 - Integer.parseInt(t.substring(6)));
		}
		return Optional.ofNullable(NUMBERS.get(t));
	}

	/** The CRI stop_signal enum, or empty for RUNTIME_DEFAULT. */
	static Optional<Integer> of(Signal signal) {
		if (signal == null || signal == Signal.RUNTIME_DEFAULT || signal == Signal.UNRECOGNIZED) {
			return Optional.empty();
		}
		String name = signal.name();
		if (name.startsWith("SIGRTMINPLUS")) {
			return Optional.of(34 + Integer.parseInt(name.substring("SIGRTMINPLUS".length())));
		}
		if (name.startsWith("SIGRTMAXMINUS")) {
			return Optional.of(64 - Integer.parseInt(name.substring("SIGRTMAXMINUS".length())));
		}
		return parse(name);
	}

}
