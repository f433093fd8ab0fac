package io.rocketcri.logs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.rocketcri.failure.InvalidArgument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CriLogReaderTest {

	static final Instant T0 = Instant.parse("2026-01-10T10:00:00Z");

	@TempDir
	Path dir;

	final CriLogReader reader = new CriLogReader(Duration.ofMillis(10), Clock.fixed(T0.plusSeconds(100), ZoneOffset.UTC));

	static String entry(int second, String stream, String tag, String text) {
		return T0.plusSeconds(second).plusNanos(123456789) + " " + stream + " " + tag + " " + text + "\n";
	}

	Path log(String... entries) throws IOException {
		Path file = dir.resolve("0.log");
		Files.writeString(file, String.join("", entries));
		return file;
	}

	List<LogLine> read(Path file, LogOptions options) throws Exception {
		List<LogLine> lines = new ArrayList<>();
		reader.read(file, options, () -> false, line -> lines.add(line));
		return lines;
	}

	static List<String> texts(List<LogLine> lines) {
		return lines.stream().map(LogLine::text).toList();
	}

	@Test
	void joinsPartialLinesPerStreamAndKeepsTheFirstFragmentsTime() throws Exception {
		Path file = log(entry(1, "stdout", "P", "hel"), entry(2, "stderr", "F", "oops"), entry(3, "stdout", "P", "lo "),
				entry(4, "stdout", "F", "world"), entry(5, "stdout", "F", ""));
		List<LogLine> lines = read(file, LogOptions.DEFAULT);
		assertThat(texts(lines)).containsExactly("oops", "hello world", "");
		assertThat(lines.get(1).time()).isEqualTo(T0.plusSeconds(1).plusNanos(123456789));
		assertThat(lines.get(1).stream()).isEqualTo(LogStream.STDOUT);
		assertThat(lines.get(0).stream()).isEqualTo(LogStream.STDERR);
		assertThat(lines).noneMatch(LogLine::partial);
		assertThat(lines.getLast().offset()).isEqualTo(Files.size(file));
	}

	@Test
	void filtersByStreamAndSkipsLinesNotInTheCriFormat() throws Exception {
		Path file = log(entry(1, "stdout", "F", "out"), "garbage without format\n", entry(2, "stderr", "F", "err"),
				entry(3, "stdin", "F", "no such stream"));
		assertThat(texts(read(file, options(LogStream.STDERR, null, null, null)))).containsExactly("err");
		assertThat(texts(read(file, options(LogStream.STDOUT, null, null, null)))).containsExactly("out");
		assertThat(texts(read(file, LogOptions.DEFAULT))).containsExactly("out", "err");
	}

	@Test
	void tailLinesCountsLinesAfterTheFilters() throws Exception {
		Path file = log(entry(1, "stdout", "F", "a"), entry(2, "stderr", "F", "x"), entry(3, "stdout", "P", "b"),
				entry(4, "stdout", "F", "b"), entry(5, "stdout", "F", "c"), entry(6, "stderr", "F", "y"));
		assertThat(texts(read(file, options(LogStream.STDOUT, 2L, null, null)))).containsExactly("bb", "c");
		assertThat(texts(read(file, options(LogStream.ALL, 2L, null, null)))).containsExactly("c", "y");
		assertThat(texts(read(file, options(LogStream.ALL, 0L, null, null)))).isEmpty();
		assertThat(texts(read(file, options(LogStream.ALL, 100L, null, null)))).hasSize(5);
	}

	@Test
	void sinceTimeAndSinceSecondsDropOlderLines() throws Exception {
		Path file = log(entry(1, "stdout", "F", "old"), entry(50, "stdout", "F", "mid"), entry(90, "stdout", "F", "new"));
		LogOptions sinceTime = new LogOptions(false, false, null, null, T0.plusSeconds(50), false, null, LogStream.ALL, null);
		assertThat(texts(read(file, sinceTime))).containsExactly("mid", "new");
		// the clock says T0+100: the last 20 seconds hold only "new"
		LogOptions sinceSeconds = new LogOptions(false, false, null, 20L, null, false, null, LogStream.ALL, null);
		assertThat(texts(read(file, sinceSeconds))).containsExactly("new");
	}

	@Test
	void limitBytesCutsTheLineThatCrossesIt() throws Exception {
		Path file = log(entry(1, "stdout", "F", "12345"), entry(2, "stdout", "F", "abcdef"), entry(3, "stdout", "F", "zzz"));
		List<LogLine> lines = read(file, options(LogStream.ALL, null, 9L, null));
		assertThat(texts(lines)).containsExactly("12345", "abc");
		assertThat(lines.get(1).partial()).isTrue();
		assertThat(texts(read(file, options(LogStream.ALL, null, 6L, null)))).containsExactly("12345");
	}

	@Test
	void anUnfinishedLineAtTheEndComesOutAsPartial() throws Exception {
		Path file = log(entry(1, "stdout", "F", "done"), entry(2, "stdout", "P", "never ended"));
		List<LogLine> lines = read(file, LogOptions.DEFAULT);
		assertThat(texts(lines)).containsExactly("done", "never ended");
		assertThat(lines.get(1).partial()).isTrue();
	}

	@Test
	void resumesAfterAnOffsetIgnoringTail() throws Exception {
		Path file = log(entry(1, "stdout", "F", "a"), entry(2, "stdout", "F", "b"), entry(3, "stdout", "F", "c"));
		long afterA = read(file, LogOptions.DEFAULT).getFirst().offset();
		assertThat(texts(read(file, LogOptions.DEFAULT.withTailLines(1L).withResumeAfter(afterA)))).containsExactly("b", "c");
		assertThat(texts(read(file, LogOptions.DEFAULT.withResumeAfter(Files.size(file) + 100))))
			.as("an offset beyond the end: the file was rotated since, start over")
			.containsExactly("a", "b", "c");
	}

	@Test
	void followReadsWhatComesThroughARotationAndEndsWhenTheContainerStopped() throws Exception {
		Path file = log(entry(1, "stdout", "F", "first"));
		AtomicBoolean producing = new AtomicBoolean(true);
		BlockingQueue<LogLine> seen = new LinkedBlockingQueue<>();
		CompletableFuture<Void> following = CompletableFuture.runAsync(() -> {
			try {
				reader.read(file, LogOptions.DEFAULT.withFollow(true).withTailLines(1L), producing::get, seen::add);
			}
			catch (Exception ex) {
				throw new RuntimeException(ex);
			}
		});
		assertThat(seen.poll(10, TimeUnit.SECONDS).text()).isEqualTo("first");
		append(file, entry(2, "stdout", "F", "second") + entry(3, "stderr", "P", "split "));
		assertThat(seen.poll(10, TimeUnit.SECONDS).text()).isEqualTo("second");

		// kubelet renames the file away, ReopenContainerLog makes conmon create a new one
		Files.move(file, dir.resolve("0.log.20260110-100000"));
		append(dir.resolve("0.log.20260110-100000"), entry(4, "stdout", "F", "late in the old file"));
		Files.writeString(file, entry(5, "stderr", "F", "across files") + entry(6, "stdout", "F", "in the new file"));
		assertThat(seen.poll(10, TimeUnit.SECONDS).text()).isEqualTo("late in the old file");
		assertThat(seen.poll(10, TimeUnit.SECONDS).text()).isEqualTo("split across files");
		assertThat(seen.poll(10, TimeUnit.SECONDS).text()).isEqualTo("in the new file");
		assertThat(following).isNotDone();

		append(file, entry(7, "stdout", "F", "last words"));
		producing.set(false);
		following.get(10, TimeUnit.SECONDS);
		assertThat(texts(List.copyOf(seen))).containsExactly("last words");
	}

	@Test
	void followStopsWhenTheSinkSaysSo() throws Exception {
		Path file = log(entry(1, "stdout", "F", "a"), entry(2, "stdout", "F", "b"));
		List<LogLine> lines = new ArrayList<>();
		reader.read(file, LogOptions.DEFAULT.withFollow(true), () -> true, line -> lines.add(line) && lines.size() < 1);
		assertThat(texts(lines)).containsExactly("a");
	}

	@Test
	void aHugeLineIsCutAndTheNextLinesStillCome() throws Exception {
		String big = "x".repeat(3 * LogFileCursor.MAX_LINE);
		Path file = log(entry(1, "stdout", "F", big), entry(2, "stdout", "F", "after"));
		List<LogLine> lines = read(file, LogOptions.DEFAULT);
		assertThat(lines).hasSize(2);
		assertThat(lines.getFirst().text().length()).isLessThanOrEqualTo(LogFileCursor.MAX_LINE);
		assertThat(lines.getFirst().partial()).isTrue();
		assertThat(lines.get(1).text()).isEqualTo("after");
	}

	@Test
	void optionsRefuseNonsenseNamingTheParameter() {
		assertThatThrownBy(() -> options(LogStream.ALL, -1L, null, null)).isInstanceOf(InvalidArgument.class)
			.hasMessageStartingWith("tailLines:");
		assertThatThrownBy(() -> options(LogStream.ALL, null, 0L, null)).hasMessageStartingWith("limitBytes:");
		assertThatThrownBy(() -> new LogOptions(false, false, null, 0L, null, false, null, null, null))
			.hasMessageStartingWith("sinceSeconds:");
		assertThatThrownBy(() -> new LogOptions(false, false, null, 5L, T0, false, null, null, null))
			.hasMessageStartingWith("sinceSeconds, sinceTime:");
		assertThatThrownBy(() -> LogStream.parse("stream", "stdin")).isInstanceOf(InvalidArgument.class)
			.hasMessageStartingWith("stream:");
		assertThat(LogStream.parse("stream", "STDERR")).isEqualTo(LogStream.STDERR);
	}

	static LogOptions options(LogStream stream, Long tail, Long limitBytes, Long resumeAfter) {
		return new LogOptions(false, false, tail, null, null, false, limitBytes, stream, resumeAfter);
	}

	static void append(Path file, String text) throws IOException {
		Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
	}

}
