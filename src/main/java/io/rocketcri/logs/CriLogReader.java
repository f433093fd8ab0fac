package io.rocketcri.logs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Reads a CRI log file with {@link LogOptions}: joins partial lines per stream, filters by stream
 * and time, keeps the last {@code tailLines}, cuts at {@code limitBytes}, and when following,
 * polls the file as it grows, moves on to the new file when the log was reopened after kubelet
 * rotated it, and ends once the container stopped producing and the file is drained.
 *
 * <p>Follow polls rather than using inotify: a poll is one {@code size} call, and it sees a renamed
 * and recreated file the same way on every file system.
 */
final class CriLogReader {

	private final Duration pollInterval;

	private final Clock clock;

	CriLogReader(Duration pollInterval, Clock clock) {
		this.pollInterval = pollInterval;
		this.clock = clock;
	}

	/**
	 * @param producing whether the container may still write to its log (created or running);
	 * asked while following, each time the file is drained
	 */
	void read(Path path, LogOptions options, BooleanSupplier producing, LogSink sink)
			throws IOException, InterruptedException {
		Output out = new Output(options, options.since(clock.instant()), sink);
		Joiner joiner = new Joiner();
		long start = options.resumeAfter() == null ? 0 : options.resumeAfter();
		LogFileCursor cursor = LogFileCursor.open(path, start);
		try {
			if (options.tailLines() != null && options.resumeAfter() == null) {
				ArrayDeque<LogLine> last = new ArrayDeque<>();
				long keep = options.tailLines();
				LineConsumer collect = line -> {
					if (keep > 0 && out.wanted(line)) {
						if (last.size() == keep) {
							last.removeFirst();
						}
						last.addLast(line);
					}
					return true;
				};
				cursor.readAvailable(joiner.into(collect));
				if (!options.follow()) {
					cursor.takeIncomplete(joiner.into(collect));
					joiner.flush(cursor.position(), collect);
				}
				for (LogLine line : last) {
					if (!out.emit(line)) {
						return;
					}
				}
			}
			else if (!cursor.readAvailable(joiner.into(out::offer))) {
				return;
			}
			if (!options.follow()) {
				if (cursor.takeIncomplete(joiner.into(out::offer))) {
					joiner.flush(cursor.position(), out::offer);
				}
				return;
			}
			while (true) {
				if (!cursor.readAvailable(joiner.into(out::offer))) {
					return;
				}
				if (cursor.replacedAt(path)) {
					// what conmon wrote before it reopened, then the new file from its start; a
					// line split across the two files is joined across them
					if (!cursor.readAvailable(joiner.into(out::offer)) || !cursor.takeIncomplete(joiner.into(out::offer))) {
						return;
					}
					cursor.close();
					cursor = LogFileCursor.open(path, 0);
					continue;
				}
				if (!producing.getAsBoolean()) {
					// asked before this last read: whatever it wrote before exiting is in the file now
					if (cursor.readAvailable(joiner.into(out::offer)) && cursor.takeIncomplete(joiner.into(out::offer))) {
						joiner.flush(cursor.position(), out::offer);
					}
					return;
				}
				if (!out.idle()) {
					return;
				}
				Thread.sleep(pollInterval);
			}
		}
		finally {
			cursor.close();
		}
	}

	/** Takes logical lines; false stops the read. */
	@FunctionalInterface
	interface LineConsumer {

		boolean accept(LogLine line) throws IOException;

	}

	/** Joins partial entries with the entries completing them, per stream. */
	static final class Joiner {

		private final Map<LogStream, Fragment> open = new EnumMap<>(LogStream.class);

		LogFileCursor.LineHandler into(LineConsumer consumer) {
			return (bytes, length, offsetAfter, truncated) -> {
				CriLogEntry entry = CriLogEntry.parse(bytes, length);
				if (entry == null) {
					return true; // not a CRI log line: skipped, as kubelet does
				}
				if (truncated) {
					entry = new CriLogEntry(entry.time(), entry.stream(), false, entry.text());
				}
				Fragment fragment = open.get(entry.stream());
				if (entry.partial()) {
					if (fragment == null) {
						open.put(entry.stream(), new Fragment(entry.time(), new StringBuilder(entry.text())));
						return true;
					}
					fragment.text().append(entry.text());
					if (fragment.text().length() < LogFileCursor.MAX_LINE) {
						return true;
					}
					open.remove(entry.stream()); // a line without end: hand it out in pieces of bounded size
					return consumer.accept(new LogLine(fragment.time(), entry.stream(), fragment.text().toString(), true,
							offsetAfter));
				}
				if (fragment == null) {
					return consumer.accept(new LogLine(entry.time(), entry.stream(), entry.text(), truncated, offsetAfter));
				}
				open.remove(entry.stream());
				return consumer.accept(new LogLine(fragment.time(), entry.stream(),
						fragment.text().append(entry.text()).toString(), truncated, offsetAfter));
			};
		}

		/** Hands out partial lines whose end never came (the container exited mid-line), oldest first. */
		boolean flush(long offset, LineConsumer consumer) throws IOException {
			List<Map.Entry<LogStream, Fragment>> left = new ArrayList<>(open.entrySet());
			open.clear();
			left.sort(Comparator.comparing(e -> e.getValue().time()));
			for (Map.Entry<LogStream, Fragment> e : left) {
				if (!consumer.accept(new LogLine(e.getValue().time(), e.getKey(), e.getValue().text().toString(), true,
						offset))) {
					return false;
				}
			}
			return true;
		}

		private record Fragment(Instant time, StringBuilder text) {
		}

	}

	/** Applies the stream and time filters and the byte limit, then hands lines to the sink. */
	private static final class Output {

		private final LogOptions options;

		private final Instant since;

		private final LogSink sink;

		private long bytesLeft;

		private boolean done;

		Output(LogOptions options, Instant since, LogSink sink) {
			this.options = options;
			this.since = since;
			this.sink = sink;
			this.bytesLeft = options.limitBytes() == null ? Long.MAX_VALUE : options.limitBytes();
		}

		boolean wanted(LogLine line) {
			return options.stream().includes(line.stream()) && (since == null || !line.time().isBefore(since));
		}

		boolean offer(LogLine line) throws IOException {
			return !wanted(line) || emit(line);
		}

		boolean emit(LogLine line) throws IOException {
			if (done) {
				return false;
			}
			byte[] text = line.text().getBytes(StandardCharsets.UTF_8);
			if (text.length + 1 <= bytesLeft) {
				bytesLeft -= text.length + 1;
				done = !sink.accept(line) || bytesLeft == 0;
				return !done;
			}
			// the limit falls inside this line: what fits of it (a cut character becomes U+FFFD), then stop
			String cut = new String(text, 0, (int) Math.min(text.length, bytesLeft), StandardCharsets.UTF_8);
			done = true;
			sink.accept(new LogLine(line.time(), line.stream(), cut, true, line.offset()));
			return false;
		}

		boolean idle() throws IOException {
			return !done && sink.idle();
		}

	}

}
