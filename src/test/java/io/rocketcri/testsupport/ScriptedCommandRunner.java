package io.rocketcri.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.rocketcri.engine.CommandRunner;

/**
 * A {@link CommandRunner} for unit tests: records every command and answers from a script keyed
 * by program name (the file name of argv[0], so {@code /usr/lib/cni/bridge} is {@code bridge}).
 * Programs without a script exit 0 with no output.
 */
public final class ScriptedCommandRunner implements CommandRunner {

	/** Answers one command. */
	@FunctionalInterface
	public interface Script {

		Result answer(Command command) throws IOException;

	}

	private final Map<String, Script> scripts = new LinkedHashMap<>();

	private final List<Command> commands = new ArrayList<>();

	public synchronized ScriptedCommandRunner on(String program, Script script) {
		this.scripts.put(program, script);
		return this;
	}

	@Override
	public synchronized Result run(Command command) throws IOException {
		this.commands.add(command);
		Script script = this.scripts.get(program(command));
		return script != null ? script.answer(command) : ok("");
	}

	public synchronized List<Command> commands() {
		return List.copyOf(this.commands);
	}

	/** The commands of one program, in the order they ran. */
	public synchronized List<Command> commands(String program) {
		return this.commands.stream().filter(c -> program(c).equals(program)).toList();
	}

	public static String program(Command command) {
		return Path.of(command.argv().getFirst()).getFileName().toString();
	}

	public static Result ok(String stdout) {
		return new Result(0, stdout.getBytes(StandardCharsets.UTF_8), new byte[0], false);
	}

	public static Result exit(int code, String stdout, String stderr) {
		return new Result(code, stdout.getBytes(StandardCharsets.UTF_8), stderr.getBytes(StandardCharsets.UTF_8),
				false);
	}

}
