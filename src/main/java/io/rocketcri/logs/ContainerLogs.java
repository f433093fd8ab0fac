package io.rocketcri.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;

import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerFilter;
import io.rocketcri.container.ContainerService;
import io.rocketcri.container.ContainerState;
import io.rocketcri.failure.Internal;
import io.rocketcri.failure.NotFound;
import io.rocketcri.failure.Unavailable;

import org.springframework.stereotype.Service;

/**
 * Reads containers' logs for the REST API and the console. In two steps, so that a caller can
 * answer an error before it starts streaming: {@link #open} finds the container and its log file
 * (or fails), {@link LogSession#stream} reads it.
 */
@Service
public class ContainerLogs {

	/** How often a follow looks for new lines; conmon writes as the container prints. */
	private static final Duration POLL = Duration.ofMillis(200);

	private final ContainerService containers;

	private final CriLogReader reader;

	ContainerLogs(ContainerService containers) {
		this.containers = containers;
		this.reader = new CriLogReader(POLL, Clock.systemUTC());
	}

	/**
	 * Finds the log to read: the container's own, or with {@code options.previous()} that of its
	 * previous attempt.
	 * @throws NotFound when the container, its previous attempt or its log file does not exist
	 */
	public LogSession open(String containerId, LogOptions options) {
		Container current = containers.get(containerId);
		Container target = options.previous() ? previousAttempt(current) : current;
		if (target.logPath() == null) {
			throw new NotFound("reading the log of container %s: it has none (its pod has no log_directory or it no log_path)"
				.formatted(target.id()));
		}
		if (!Files.isRegularFile(target.logPath())) {
			throw new NotFound("reading the log of container %s: %s does not exist".formatted(target.id(),
					target.logPath()));
		}
		return new LogSession(target, options);
	}

	/**
	 * The container kubelet would show for {@code --previous}: same pod, same name, the attempt
	 * before this one.
	 */
	private Container previousAttempt(Container current) {
		int attempt = current.config().getMetadata().getAttempt();
		return containers.list(new ContainerFilter(null, null, current.podId(), Map.of()))
			.stream()
			.filter(c -> c.podId().equals(current.podId()) && c.name().equals(current.name())
					&& c.config().getMetadata().getAttempt() == attempt - 1)
			.max(Comparator.comparingLong(Container::createdAt))
			.orElseThrow(() -> new NotFound("reading the previous log of container %s (%s, attempt %d): no attempt %d of it is on this node"
				.formatted(current.id(), current.name(), attempt, attempt - 1)));
	}

	/** Whether the container may still write: created (not started yet) or running. Gone: no. */
	private boolean producing(String id) {
		try {
			ContainerState state = containers.status(id).state();
			return state == ContainerState.CREATED || state == ContainerState.RUNNING;
		}
		catch (NotFound ex) {
			return false;
		}
	}

	/** One read of one container's log, as opened. Single use, from one thread. */
	public final class LogSession {

		private final Container container;

		private final LogOptions options;

		private LogSession(Container container, LogOptions options) {
			this.container = container;
			this.options = options;
		}

		/** The container whose log this is (the previous attempt's with {@code previous}). */
		public Container container() {
			return container;
		}

		public Path path() {
			return container.logPath();
		}

		public LogOptions options() {
			return options;
		}

		/**
		 * Hands the lines to {@code sink}; with {@code follow}, until the container stopped and its
		 * log is drained, or the sink says stop.
		 * @throws IOException only from the sink (the client went away); reading failures are failures
		 */
		public void stream(LogSink sink) throws IOException {
			LogSink guarded = new LogSink() {
				@Override
				public boolean accept(LogLine line) throws IOException {
					try {
						return sink.accept(line);
					}
					catch (IOException ex) {
						throw new SinkFailure(ex);
					}
				}

				@Override
				public boolean idle() throws IOException {
					try {
						return sink.idle();
					}
					catch (IOException ex) {
						throw new SinkFailure(ex);
					}
				}
			};
			try {
				reader.read(path(), options, () -> producing(container.id()), guarded);
			}
			catch (SinkFailure ex) {
				throw ex.getCause();
			}
			catch (java.nio.file.NoSuchFileException ex) {
				throw new NotFound("reading the log of container %s: %s is gone".formatted(container.id(), path()), ex);
			}
			catch (IOException ex) {
				throw new Internal("reading the log of container %s from %s: %s".formatted(container.id(), path(),
						ex.getMessage()), ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new Unavailable("reading the log of container %s: interrupted".formatted(container.id()), ex);
			}
		}

	}

	/** Keeps a sink's IOException apart from the reader's own. */
	private static final class SinkFailure extends IOException {

		SinkFailure(IOException cause) {
			super(cause);
		}

		@Override
		public synchronized IOException getCause() {
			return (IOException) super.getCause();
		}

	}

}
