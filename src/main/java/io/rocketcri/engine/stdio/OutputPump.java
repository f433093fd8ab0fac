package io.rocketcri.engine.stdio;

import java.io.IOException;
import java.io.InputStream;

import io.rocketcri.engine.StreamingProcess;

/** Copies a child's stdout or stderr pipe to a streaming client until the pipe ends. */
public final class OutputPump {

	private static final int CHUNK = 32 * 1024;

	private OutputPump() {
	}

	/**
	 * Reads {@code in} to its end and hands each chunk to {@code output}. When the client is gone
	 * the pipe is still drained, so that the process never blocks on a full pipe; a broken pipe
	 * (the process was killed) simply ends the copy.
	 */
	public static void pump(InputStream in, StreamingProcess.Output output, boolean stderr) {
		byte[] buffer = new byte[CHUNK];
		boolean delivering = true;
		try (in) {
			int n;
			while ((n = in.read(buffer)) >= 0) {
				if (delivering && n > 0) {
					try {
						if (stderr) {
							output.stderr(buffer, 0, n);
						}
						else {
							output.stdout(buffer, 0, n);
						}
					}
					catch (IOException ex) {
						delivering = false;
					}
				}
			}
		}
		catch (IOException ex) {
			// the pipe broke: the process was killed
		}
	}

}
