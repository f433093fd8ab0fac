package io.rocketcri.container.spec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.KeyValue;
import io.rocketcri.failure.InvalidArgument;

/** What the container runs, where, and with which environment: the CRI over the image. */
final class ProcessPlan {

	/** The PATH a process gets when neither the image nor the CRI sets one. */
	static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

	private ProcessPlan() {
	}

	/**
	 * The argv, by Kubernetes' rules: a CRI {@code command} replaces the image's entrypoint and
	 * drops its cmd; CRI {@code args} replace the image's cmd; with neither, entrypoint + cmd.
	 */
	static List<String> args(ContainerConfig config, ImageSettings image) {
		List<String> args = new ArrayList<>();
		if (config.getCommandCount() > 0) {
			args.addAll(config.getCommandList());
			args.addAll(config.getArgsList());
		}
		else {
			args.addAll(image.entrypoint());
			args.addAll(config.getArgsCount() > 0 ? config.getArgsList() : image.cmd());
		}
		if (args.isEmpty()) {
			throw new InvalidArgument("command: none given, and the image has neither Entrypoint nor Cmd");
		}
		return args;
	}

	/**
	 * The environment: a default PATH, HOSTNAME, then the image's variables, then the CRI's (a
	 * later value for the same name replaces the earlier one in place), TERM=xterm for a terminal
	 * and HOME from passwd when still unset.
	 */
	static List<String> env(ContainerConfig config, ImageSettings image, String hostname, String home) {
		Map<String, String> env = new LinkedHashMap<>();
		env.put("PATH", DEFAULT_PATH);
		if (hostname != null && !hostname.isEmpty()) {
			env.put("HOSTNAME", hostname);
		}
		for (String entry : image.env()) {
			int eq = entry.indexOf('=');
			if (eq > 0) {
				env.put(entry.substring(0, eq), entry.substring(eq + 1));
			}
		}
		List<KeyValue> envs = config.getEnvsList();
		for (int i = 0; i < envs.size(); i++) {
			String key = envs.get(i).getKey();
			if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
				throw new InvalidArgument("envs[" + i + "].key: \"" + key + "\" is not a variable name");
			}
			// Values are bytes in the CRI; JSON strings are Unicode, so non-UTF-8 bytes cannot
			// survive config.json and become U+FFFD, as they would through runc's Go decoder.
			env.put(key, envs.get(i).getValue().toString(StandardCharsets.UTF_8));
		}
		if (config.getTty()) {
			env.putIfAbsent("TERM", "xterm");
		}
		env.putIfAbsent("HOME", home);
		List<String> out = new ArrayList<>();
		env.forEach((k, v) -> out.add(k + "=" + v));
		return out;
	}

	/** The CRI's working_dir, else the image's WorkingDir, else the root. */
	static String cwd(ContainerConfig config, ImageSettings image) {
		String dir = config.getWorkingDir();
		if (!dir.isEmpty()) {
			if (!dir.startsWith("/")) {
				throw new InvalidArgument("working_dir: \"" + dir + "\" is not an absolute path");
			}
			return dir;
		}
		String imageDir = image.workingDir();
		if (imageDir.isEmpty()) {
			return "/";
		}
		return imageDir.startsWith("/") ? imageDir : "/" + imageDir;
	}

}
