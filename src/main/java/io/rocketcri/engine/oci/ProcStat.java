package io.rocketcri.engine.oci;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The few fields of {@code /proc/<pid>/stat} we need: the command name, the state letter, the
 * parent and the process group.
 *
 * @param command the executable's name as the kernel keeps it (at most 15 bytes)
 * @param state {@code R}, {@code S}, {@code D}, {@code Z} (zombie), {@code X} (dead), …
 */
record ProcStat(int pid, String command, char state, int parentPid, int processGroup) {

	/** Running or sleeping, not waiting to be reaped. */
	boolean alive() {
		return this.state != 'Z' && this.state != 'X';
	}

	/** The process's stat, empty when there is no such process (any more). */
	static Optional<ProcStat> read(int pid) {
		String text;
		try {
			text = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		return Optional.ofNullable(parse(pid, text));
	}

	/** The command may hold spaces and parentheses: it ends at the last {@code ')'}. */
	static ProcStat parse(int pid, String text) {
		int open = text.indexOf('(');
		int close = text.lastIndexOf(')');
		if (open < 0 || close < open || close + 2 >= text.length()) {
			return null;
		}
		String[] fields = text.substring(close + 2).split(" ");
		if (fields.length < 3) {
			return null;
		}
		try {
			return new ProcStat(pid, text.substring(open + 1, close), fields[0].charAt(0), Integer.parseInt(fields[1]),
					Integer.parseInt(fields[2]));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}


	/**
	 * When the process started ({@code /proc/<pid>/stat} field 22, clock ticks after boot), the
	 * identity runc records as {@code init_process_start}; -1 when there is no such process or it
	 * is a zombie (exited, waiting to be reaped).
	 */
	static long startTime(int pid) {
		String text;
		try {
			text = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return -1;
		}
		int close = text.lastIndexOf(')');
		if (close < 0 || close + 2 >= text.length()) {
			return -1;
		}
		String[] fields = text.substring(close + 2).split(" ");
		if (fields.length < 20 || fields[0].equals("Z") || fields[0].equals("X")) {
			return -1;
		}
		try {
			return Long.parseLong(fields[19]);
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

}
