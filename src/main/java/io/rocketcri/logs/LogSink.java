package io.rocketcri.logs;

import java.io.IOException;

/** Where a log reader hands its lines, in order, from one thread. */
@FunctionalInterface
public interface LogSink {

	/**
	 * @return false to stop reading (the client has enough); an IOException (the client went away)
	 * stops it too
	 */
	boolean accept(LogLine line) throws IOException;

	/**
	 * Called while following when there is nothing new (about every poll interval): a sink that
	 * can send a heartbeat finds out here that its client went away. False stops reading.
	 */
	default boolean idle() throws IOException {
		return true;
	}

}
