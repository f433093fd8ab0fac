package io.rocketcri.engine;

import java.io.IOException;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * A process a client streams to and from (CRI Exec and Attach): its output, its stdin, its
 * terminal size and how it ended. The engine owns the host side (processes, descriptors, the
 * threads that block on them); the streaming server owns the protocol.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   engine.exec/attach ──▶ open ──start(output)──▶ streaming ──output ends + process exits──▶ done (future completes)
 *                           │                          │
 *                           └──────── close() ─────────┴──▶ closed: process killed (exec) or detached (attach)
 * </pre>
 * <ul>
 * <li>{@link #start} is called once; output is delivered on the engine's own platform threads
 * (blocking reads of pipes, ptys and sockets must not run on virtual threads). {@link Output}
 * calls block while the client is slow: that is the back-pressure, nothing is buffered without
 * bound.</li>
 * <li>The returned future completes after all output was delivered: with the exit code for an
 * exec, empty for an attach (the container goes on, or its exit is reported elsewhere).</li>
 * <li>{@link #close} is idempotent and may be called from any thread at any time; it frees every
 * process, descriptor and thread the session holds. An exec still running is killed.</li>
 * </ul>
 */
public interface StreamingProcess extends AutoCloseable {

	/** Where the output goes; may block. An exception stops the output (the client is gone). */
	interface Output {

		void stdout(byte[] data, int offset, int length) throws IOException;

		void stderr(byte[] data, int offset, int length) throws IOException;

	}

	/** Starts delivering output; see the class comment for what the future means. */
	CompletableFuture<OptionalInt> start(Output output);

	/** Whether the process reads stdin from us (requested and available). */
	boolean hasStdin();

	/** Writes to the process's stdin; blocks while it does not read. Call from one thread at a time. */
	void writeStdin(byte[] data, int offset, int length) throws IOException;

	/** End of stdin (the process reads end-of-file, or conmon closes a stdin-once container's stdin). */
	void closeStdin();

	/** Sets the terminal size; ignored without a terminal. Does not block. */
	void resize(int width, int height);

	@Override
	void close();

}
