package io.rocketcri.logs;

import java.time.Instant;

import io.rocketcri.failure.InvalidArgument;

/**
 * How to read a container's log, with Kubernetes' names ({@code PodLogOptions}), so that what
 * works with {@code kubectl logs} works here. Invalid combinations are refused when the options
 * are made, naming the parameter.
 *
 * @param follow keep reading as the file grows; end when the container has exited and the file
 * is drained
 * @param previous read the log of the container's previous attempt (same pod, same name, attempt
 * one less), as after a crash loop
 * @param tailLines only the last this many lines (after the stream and time filters); null for all
 * @param sinceSeconds only lines from the last this many seconds; null for no limit
 * @param sinceTime only lines from this time on; null for no limit; not together with sinceSeconds
 * @param timestamps whether the caller wants each line's time shown (lines always carry it)
 * @param limitBytes stop after this many bytes of log text (each line counted with its newline;
 * the line crossing the limit is cut); null for no limit
 * @param stream which stream to read
 * @param resumeAfter a {@link LogLine#offset} from an earlier read: continue after it, ignoring
 * tailLines (how a browser resumes a dropped event stream); null to start as the other options say
 */
public record LogOptions(boolean follow, boolean previous, Long tailLines, Long sinceSeconds, Instant sinceTime,
		boolean timestamps, Long limitBytes, LogStream stream, Long resumeAfter) {

	/** The whole log of the current attempt, both streams, once. */
	public static final LogOptions DEFAULT = new LogOptions(false, false, null, null, null, false, null, LogStream.ALL,
			null);

	public LogOptions {
		if (tailLines != null && tailLines < 0) {
			throw new InvalidArgument("tailLines: must not be negative: " + tailLines);
		}
		if (sinceSeconds != null && sinceSeconds < 1) {
			throw new InvalidArgument("sinceSeconds: must be at least 1: " + sinceSeconds);
		}
		if (sinceSeconds != null && sinceTime != null) {
			throw new InvalidArgument("sinceSeconds, sinceTime: give at most one of them");
		}
		if (limitBytes != null && limitBytes < 1) {
			throw new InvalidArgument("limitBytes: must be at least 1: " + limitBytes);
		}
		if (resumeAfter != null && resumeAfter < 0) {
			throw new InvalidArgument("resumeAfter: must not be negative: " + resumeAfter);
		}
		stream = stream == null ? LogStream.ALL : stream;
	}

	public LogOptions withFollow(boolean follow) {
		return new LogOptions(follow, previous, tailLines, sinceSeconds, sinceTime, timestamps, limitBytes, stream,
				resumeAfter);
	}

	public LogOptions withTailLines(Long tailLines) {
		return new LogOptions(follow, previous, tailLines, sinceSeconds, sinceTime, timestamps, limitBytes, stream,
				resumeAfter);
	}

	public LogOptions withResumeAfter(Long offset) {
		return new LogOptions(follow, previous, tailLines, sinceSeconds, sinceTime, timestamps, limitBytes, stream,
				offset);
	}

	/** The earliest time of a line to show, given the time now; null when every line counts. */
	Instant since(Instant now) {
		if (sinceTime != null) {
			return sinceTime;
		}
		return sinceSeconds == null ? null : now.minusSeconds(sinceSeconds);
	}

}
