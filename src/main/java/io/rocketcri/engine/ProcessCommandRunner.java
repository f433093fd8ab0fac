package io.rocketcri.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link CommandRunner} on {@link ProcessBuilder}. Output is drained on virtual threads so a chatty
 * tool never blocks on a full pipe; on timeout the whole process tree is killed.
 */
public final class ProcessCommandRunner implements CommandRunner {

	private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

	@Override
	public Result run(Command command) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command.argv());
		Map<String, String> env = builder.environment();
		String path = System.getenv().getOrDefault("PATH", DEFAULT_PATH);
		env.clear();
		env.put("PATH", path);
		env.putAll(new HashMap<>(command.env()));
		if (command.workingDir() != null) {
			builder.directory(command.workingDir().toFile());
		}
		Process process = builder.start();
		CompletableFuture<byte[]> stdout = drain(process.getInputStream());
		CompletableFuture<byte[]> stderr = drain(process.getErrorStream());
		try (OutputStream in = process.getOutputStream()) {
			in.write(command.stdin());
		}
		catch (IOException ex) {
			// the tool exited without reading its stdin; its exit code tells the story
		}
		boolean finished;
		try {
			finished = process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS);
			if (!finished) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly();
				process.waitFor(5, TimeUnit.SECONDS);
			}
			return new Result(finished ? process.exitValue() : -1, stdout.join(), stderr.join(), !finished);
		}
		catch (InterruptedException ex) {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new IOException("interrupted while running " + command.argv().getFirst(), ex);
		}
	}

	private static CompletableFuture<byte[]> drain(InputStream stream) {
		CompletableFuture<byte[]> result = new CompletableFuture<>();
		Thread.ofVirtual().start(() -> {
			try (stream) {
				result.complete(stream.readAllBytes());
			}
			catch (IOException ex) {
				result.complete(new byte[0]);
			}
		});
		return result;
	}

}
