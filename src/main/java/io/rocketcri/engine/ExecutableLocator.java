package io.rocketcri.engine;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds host tools (runc, conmon, CNI plugins) the way a shell would, plus extra directories. */
public final class ExecutableLocator {

	private final List<Path> searchPath;

	public ExecutableLocator(List<Path> extraDirs) {
		List<Path> dirs = new ArrayList<>(extraDirs);
		String path = System.getenv().getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
		for (String dir : path.split(File.pathSeparator)) {
			if (!dir.isBlank()) {
				dirs.add(Path.of(dir));
			}
		}
		for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/libexec/podman")) {
			dirs.add(Path.of(dir));
		}
		this.searchPath = List.copyOf(dirs);
	}

	public Optional<Path> find(String name) {
		if (name.contains("/")) {
			Path p = Path.of(name);
			return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
		}
		return searchPath.stream().map(d -> d.resolve(name)).filter(Files::isRegularFile).filter(Files::isExecutable).findFirst();
	}

	public List<Path> searchPath() {
		return searchPath;
	}

}
