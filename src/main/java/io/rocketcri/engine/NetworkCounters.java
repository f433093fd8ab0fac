package io.rocketcri.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.rocketcri.engine.CommandRunner.Command;

/**
 * Traffic counters of the interfaces in a pinned network namespace, from the kernel's
 * {@code /proc/net/dev} as seen inside it. A JVM thread cannot safely join another network
 * namespace (setns affects the carrier thread, and the JDK may run other virtual threads on it),
 * so a short-lived {@code nsenter --net=<pin> cat /proc/net/dev} reads the file; it costs a fork
 * per pod per stats call (a few ms), and kubelet asks every ten seconds or so.
 *
 * <p>The loopback interface is left out, as cAdvisor does: it is not traffic of the pod.
 */
public final class NetworkCounters {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final CommandRunner runner;

	public NetworkCounters(CommandRunner runner) {
		this.runner = runner;
	}

	/** The counters in the namespace pinned at {@code netns}; empty when it cannot be read (pod gone). */
	public List<InterfaceUsage> read(Path netns) {
		try {
			CommandRunner.Result r = runner.run(
					new Command(List.of("nsenter", "--net=" + netns, "cat", "/proc/net/dev"), java.util.Map.of(), null,
							null, TIMEOUT));
			if (r.exitCode() != 0 || r.timedOut()) {
				return List.of();
			}
			return parse(r.stdoutText());
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	/**
	 * Parses {@code /proc/net/dev}: two header lines, then one line per interface,
	 * {@code name: rx_bytes rx_packets rx_errs rx_drop rx_fifo rx_frame rx_compressed rx_multicast
	 * tx_bytes tx_packets tx_errs ...}. Old kernels glue a wide byte count to the colon.
	 */
	static List<InterfaceUsage> parse(String procNetDev) {
		List<InterfaceUsage> out = new ArrayList<>();
		for (String line : procNetDev.split("\n")) {
			int colon = line.indexOf(':');
			if (colon < 0 || line.contains("|")) {
				continue;
			}
			String name = line.substring(0, colon).strip();
			String[] f = line.substring(colon + 1).strip().split("\\s+");
			if (name.isEmpty() || f.length < 11 || "lo".equals(name)) {
				continue;
			}
			try {
				out.add(new InterfaceUsage(name, Long.parseLong(f[0]), Long.parseLong(f[2]), Long.parseLong(f[8]),
						Long.parseLong(f[10])));
			}
			catch (NumberFormatException ex) {
				// not a counter line
			}
		}
		return List.copyOf(out);
	}

	/** Cumulative counters of one interface since it was created. */
	public record InterfaceUsage(String name, long rxBytes, long rxErrors, long txBytes, long txErrors) {
	}

}
