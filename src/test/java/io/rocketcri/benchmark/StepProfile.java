package io.rocketcri.benchmark;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import javax.sql.DataSource;

import io.rocketcri.engine.CommandRunner;
import jdk.jfr.consumer.RecordingStream;

/**
 * Where a lifecycle step's wall-clock time goes, without a sampling profiler: every process the
 * runtime spawns (through a timing {@link CommandRunner}), every H2 statement and commit (through
 * a timing {@link DataSource}), and, from JFR, every fsync ({@code jdk.FileForce}) and every
 * {@code Thread.sleep} ({@code jdk.ThreadSleep}). Spans are attributed to the step (a named
 * window of wall-clock time) they started in; the benchmark runs steps one after another, so
 * nothing else runs in a window but the step and the runtime's background threads.
 *
 * <p>Thread safety: spans are queued from any thread; windows and the report belong to the
 * benchmark's thread.
 */
final class StepProfile implements AutoCloseable {

	/** One timed thing: a process ("runc start", "bridge ADD"), "fsync", "sleep" or "h2 …". */
	record Span(String what, Instant start, long nanos) {
	}

	record Window(String step, Instant start, Instant end) {
	}

	static final ConcurrentLinkedQueue<Span> SPANS = new ConcurrentLinkedQueue<>();

	private final List<Window> windows = new ArrayList<>();

	private final RecordingStream jfr = new RecordingStream();

	StepProfile() {
		SPANS.clear();
		SAMPLES.clear();
		this.jfr.enable("jdk.FileForce").withThreshold(Duration.ZERO).withStackTrace();
		this.jfr.enable("jdk.ThreadSleep").withThreshold(Duration.ZERO).withStackTrace();
		this.jfr.onEvent("jdk.FileForce",
				e -> SPANS.add(new Span("fsync " + shortPath(e.getString("path")), e.getStartTime(), e.getDuration().toNanos())));
		this.jfr.onEvent("jdk.ThreadSleep", e -> SPANS.add(new Span("sleep " + sleeper(e), e.getStartTime(), e.getDuration().toNanos())));
		// CPU samples of the runtime's threads, named after their innermost rocket-cri frame: what
		// the Java code itself spends (JIT, JSON, H2 internals show up under their caller)
		this.jfr.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
		this.jfr.onEvent("jdk.ExecutionSample", e -> {
			String where = sampled(e);
			if (where != null) {
				SAMPLES.add(new Span(where, e.getStartTime(), 0));
			}
		});
		this.jfr.startAsync();
	}

	static final ConcurrentLinkedQueue<Span> SAMPLES = new ConcurrentLinkedQueue<>();

	/** "Class.method" of the innermost frame in io.rocketcri (not the benchmark's), or null. */
	private static String sampled(jdk.jfr.consumer.RecordedEvent e) {
		if (e.getStackTrace() == null) {
			return null;
		}
		for (var frame : e.getStackTrace().getFrames()) {
			String type = frame.getMethod().getType().getName();
			if (type.startsWith("io.rocketcri") && !type.startsWith("io.rocketcri.benchmark")
					&& !type.startsWith("io.rocketcri.cri.api")) {
				return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
			}
		}
		return null;
	}

	private static String shortPath(String path) {
		if (path == null) {
			return "?";
		}
		if (path.contains("/db/")) {
			return "h2";
		}
		Path p = Path.of(path);
		return p.getParent() == null ? path : p.getParent().getFileName() + "/";
	}

	private static String sleeper(jdk.jfr.consumer.RecordedEvent e) {
		if (e.getStackTrace() == null) {
			return "?";
		}
		for (var frame : e.getStackTrace().getFrames()) {
			String type = frame.getMethod().getType().getName();
			if (type.startsWith("io.rocketcri")) {
				return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
			}
		}
		return "?";
	}

	/** Marks a step of the benchmark's own thread, from now until {@link #end}. */
	Instant begin() {
		return Instant.now();
	}

	/** Nanoseconds of spans named so that {@code which} accepts them, started between the two instants. */
	static long sum(Instant from, Instant to, java.util.function.Predicate<String> which) {
		long total = 0;
		for (Span s : SPANS) {
			if (which.test(s.what()) && !s.start().isBefore(from) && s.start().isBefore(to)) {
				total += s.nanos();
			}
		}
		return total;
	}

	void end(String step, Instant start) {
		this.windows.add(new Window(step, start, Instant.now()));
	}

	/**
	 * Per step: the median over its rounds of the step's wall time and of each kind of span
	 * (summed within a round), largest first, and what no span explains.
	 */
	String report() {
		try {
			Thread.sleep(1500); // JFR flushes its stream about once a second
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		List<Span> spans = new ArrayList<>(SPANS);
		Map<String, List<Window>> byStep = new LinkedHashMap<>();
		this.windows.forEach(w -> byStep.computeIfAbsent(w.step(), k -> new ArrayList<>()).add(w));
		StringBuilder out = new StringBuilder();
		byStep.forEach((step, rounds) -> {
			Map<String, List<Long>> perKind = new TreeMap<>();
			List<Long> walls = new ArrayList<>();
			for (int r = 0; r < rounds.size(); r++) {
				Window w = rounds.get(r);
				walls.add(Duration.between(w.start(), w.end()).toNanos());
				Map<String, Long> sums = new TreeMap<>();
				for (Span s : spans) {
					if (!s.start().isBefore(w.start()) && s.start().isBefore(w.end())) {
						sums.merge(s.what(), s.nanos(), Long::sum);
					}
				}
				for (String kind : sums.keySet()) {
					perKind.computeIfAbsent(kind, k -> new ArrayList<>());
				}
				final int round = r;
				perKind.forEach((kind, list) -> {
					while (list.size() < round) {
						list.add(0L);
					}
					list.add(sums.getOrDefault(kind, 0L));
				});
			}
			perKind.values().forEach(list -> {
				while (list.size() < rounds.size()) {
					list.add(0L);
				}
			});
			long wall = median(walls);
			out.append(String.format("  %-40s p50 %6.1f ms (%d rounds)%n", step, wall / 1e6, rounds.size()));
			long explained = 0;
			List<Map.Entry<String, List<Long>>> sorted = new ArrayList<>(perKind.entrySet());
			sorted.sort((a, b) -> Long.compare(mean(b.getValue()), mean(a.getValue())));
			for (var kind : sorted) {
				long m = mean(kind.getValue());
				// sleeps may be background threads' (the exit monitor); everything else is the step's
				// capability calls ([oci], [pinner], [network]) contain spawns: counted through those
				String k = kind.getKey();
				boolean composite = k.startsWith("[oci]") || k.startsWith("[pinner]") || k.startsWith("[network]");
				explained += k.startsWith("sleep") || composite ? 0 : m;
				out.append(String.format("      %-36s mean %6.2f ms%n", kind.getKey(), m / 1e6));
			}
			out.append(String.format("      %-36s ~    %6.2f ms%n", "(not in a span: JVM, files, gRPC)",
					Math.max(0, mean(walls) - explained) / 1e6));
			Map<String, Integer> samples = new TreeMap<>();
			for (Span sample : SAMPLES) {
				for (Window w : rounds) {
					if (!sample.start().isBefore(w.start()) && sample.start().isBefore(w.end())) {
						samples.merge(sample.what(), 1, Integer::sum);
					}
				}
			}
			samples.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(6)
				.forEach(e -> out.append(String.format("      cpu %-32s %5.1f samples/round%n", e.getKey(),
						e.getValue() / (double) rounds.size())));
		});
		return out.toString();
	}

	private static long median(List<Long> values) {
		List<Long> sorted = values.stream().sorted().toList();
		return sorted.get(sorted.size() / 2);
	}

	private static long mean(List<Long> values) {
		return values.isEmpty() ? 0 : values.stream().mapToLong(Long::longValue).sum() / values.size();
	}

	@Override
	public void close() {
		this.jfr.close();
	}

	/** Records each process it runs as a span named after the tool and what it was asked to do. */
	static final class TimedRunner implements CommandRunner {

		private final CommandRunner delegate;

		TimedRunner(CommandRunner delegate) {
			this.delegate = delegate;
		}

		@Override
		public Result run(Command command) throws IOException {
			Instant start = Instant.now();
			long t0 = System.nanoTime();
			try {
				return this.delegate.run(command);
			}
			finally {
				SPANS.add(new Span("spawn " + name(command), start, System.nanoTime() - t0));
			}
		}

		static String name(Command command) {
			List<String> argv = command.argv();
			String tool = Path.of(argv.getFirst()).getFileName().toString();
			if (tool.equals("sh") && argv.size() > 6) {
				return "sh+conmon (until conmon forks)";
			}
			if (command.env().containsKey("CNI_COMMAND")) {
				return tool + " " + command.env().get("CNI_COMMAND");
			}
			if (tool.equals("runc") || tool.equals("crun")) {
				for (int i = 1; i < argv.size(); i++) {
					if (argv.get(i).equals("--root")) {
						i++;
					}
					else if (!argv.get(i).startsWith("-")) {
						return tool + " " + argv.get(i);
					}
				}
			}
			if (tool.equals("nsenter")) {
				int dash = argv.indexOf("--");
				return "nsenter " + (dash >= 0 && dash + 1 < argv.size() ? argv.get(dash + 1) : argv.getLast());
			}
			if (tool.equals("iptables")) {
				return "iptables " + argv.stream().filter(a -> a.length() == 2 && a.startsWith("-") && !a.equals("-w")
						&& !a.equals("-t")).findFirst().orElse("");
			}
			return tool;
		}

	}

	/**
	 * {@code target} behind a proxy of {@code type} whose every call is a span named
	 * {@code prefix + method}; for the engine's interfaces (OciRuntime, HostOs, NamespacePinner,
	 * PodNetwork), so that a step splits into the capabilities it called.
	 */
	@SuppressWarnings("unchecked")
	static Object timedInterface(Class<?> type, Object target, String prefix) {
		return Proxy.newProxyInstance(StepProfile.class.getClassLoader(), new Class<?>[] { type },
				(p, m, a) -> m.getDeclaringClass() == Object.class ? invoke(target, m, a)
						: timedCall(target, m, a, prefix + m.getName()));
	}

	/** A DataSource whose statements' executions and commits are spans ("h2 UPDATE", "h2 commit"). */
	static DataSource timed(DataSource delegate) {
		return (DataSource) Proxy.newProxyInstance(StepProfile.class.getClassLoader(), new Class<?>[] { DataSource.class },
				(proxy, method, args) -> {
					Object result = invoke(delegate, method, args);
					if (result instanceof Connection c) {
						return proxy(Connection.class, c, (m, a) -> {
							Object r = timedCall(c, m, a, m.getName().equals("commit") ? "h2 commit" : null);
							if (r instanceof PreparedStatement ps && a != null && a.length > 0 && a[0] instanceof String sql) {
								String verb = sql.strip().split("\\s+")[0].toUpperCase();
								return proxy(PreparedStatement.class, ps,
										(m2, a2) -> timedCall(ps, m2, a2, m2.getName().startsWith("execute") ? "h2 " + verb : null));
							}
							if (r instanceof Statement st && !(r instanceof PreparedStatement)) {
								return st;
							}
							return r;
						});
					}
					return result;
				});
	}

	private interface Call {

		Object call(java.lang.reflect.Method method, Object[] args) throws Throwable;

	}

	@SuppressWarnings("unchecked")
	private static <T> T proxy(Class<T> type, T target, Call call) {
		InvocationHandler handler = (p, m, a) -> call.call(m, a);
		return (T) Proxy.newProxyInstance(StepProfile.class.getClassLoader(), new Class<?>[] { type }, handler);
	}

	private static Object timedCall(Object target, java.lang.reflect.Method method, Object[] args, String span)
			throws Throwable {
		if (span == null) {
			return invoke(target, method, args);
		}
		Instant start = Instant.now();
		long t0 = System.nanoTime();
		try {
			return invoke(target, method, args);
		}
		finally {
			SPANS.add(new Span(span, start, System.nanoTime() - t0));
		}
	}

	private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

}
