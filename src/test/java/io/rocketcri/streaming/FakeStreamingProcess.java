package io.rocketcri.streaming;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.rocketcri.engine.StreamingProcess;

/**
 * A scripted process: writes {@code stdout} and {@code stderr}, then {@code bulk} bytes of 'x'
 * to stdout; with {@code echo} it copies stdin to stdout until stdin ends; then exits with
 * {@code exitCode} (or {@code waitForClose}: runs until closed, like {@code sleep infinity}).
 */
final class FakeStreamingProcess implements StreamingProcess {

	final String stdout;

	final String stderr;

	final long bulk;

	final boolean echo;

	final int exitCode;

	final boolean waitForClose;

	final List<int[]> resizes = new CopyOnWriteArrayList<>();

	final ByteArrayOutputStream stdin = new ByteArrayOutputStream();

	final CountDownLatch closed = new CountDownLatch(1);

	final CountDownLatch stdinEnded = new CountDownLatch(1);

	private final java.util.concurrent.LinkedBlockingQueue<byte[]> echoQueue = new java.util.concurrent.LinkedBlockingQueue<>();

	FakeStreamingProcess(String stdout, String stderr, long bulk, boolean echo, int exitCode, boolean waitForClose) {
		this.stdout = stdout;
		this.stderr = stderr;
		this.bulk = bulk;
		this.echo = echo;
		this.exitCode = exitCode;
		this.waitForClose = waitForClose;
	}

	static FakeStreamingProcess printing(String stdout, String stderr, int exitCode) {
		return new FakeStreamingProcess(stdout, stderr, 0, false, exitCode, false);
	}

	@Override
	public CompletableFuture<OptionalInt> start(Output output) {
		CompletableFuture<OptionalInt> done = new CompletableFuture<>();
		Thread.ofPlatform().name("fake-process").daemon().start(() -> {
			try {
				output.stdout(this.stdout.getBytes(), 0, this.stdout.length());
				if (!this.stderr.isEmpty()) {
					output.stderr(this.stderr.getBytes(), 0, this.stderr.length());
				}
				byte[] chunk = new byte[32 * 1024];
				java.util.Arrays.fill(chunk, (byte) 'x');
				for (long sent = 0; sent < this.bulk; sent += chunk.length) {
					output.stdout(chunk, 0, (int) Math.min(chunk.length, this.bulk - sent));
				}
				if (this.echo) {
					while (true) {
						byte[] next = this.echoQueue.take();
						if (next.length == 0) {
							break;
						}
						output.stdout(next, 0, next.length);
					}
				}
				if (this.waitForClose) {
					this.closed.await();
				}
				done.complete(OptionalInt.of(this.exitCode));
			}
			catch (IOException | InterruptedException ex) {
				try {
					this.closed.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ignored) {
					Thread.currentThread().interrupt();
				}
				done.complete(OptionalInt.of(137));
			}
		});
		return done;
	}

	@Override
	public boolean hasStdin() {
		return true;
	}

	@Override
	public synchronized void writeStdin(byte[] data, int offset, int length) {
		this.stdin.write(data, offset, length);
		this.echoQueue.add(java.util.Arrays.copyOfRange(data, offset, offset + length));
	}

	@Override
	public void closeStdin() {
		this.stdinEnded.countDown();
		this.echoQueue.add(new byte[0]);
	}

	@Override
	public void resize(int width, int height) {
		this.resizes.add(new int[] { width, height });
	}

	@Override
	public void close() {
		this.closed.countDown();
		this.echoQueue.add(new byte[0]);
	}

	synchronized String stdinText() {
		return this.stdin.toString();
	}

}
