package io.rocketcri.logs;

import java.time.Instant;

/**
 * One line of a container's output, partial lines already joined.
 *
 * @param time when the runtime read it (of the first fragment, for a joined line)
 * @param stream {@link LogStream#STDOUT} or {@link LogStream#STDERR}
 * @param text the line without its newline
 * @param partial true when the line never got its end: the container exited mid-line, or
 * {@code limitBytes} cut it
 * @param offset byte offset in the log file just after this line; a client resumes after it
 * ({@link LogOptions#resumeAfter}). It restarts at 0 when the file was rotated.
 */
public record LogLine(Instant time, LogStream stream, String text, boolean partial, long offset) {
}
