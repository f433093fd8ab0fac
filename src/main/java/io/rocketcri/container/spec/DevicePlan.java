package io.rocketcri.container.spec;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.rocketcri.cri.api.Device;
import io.rocketcri.failure.Internal;
import io.rocketcri.failure.InvalidArgument;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The container's device nodes ({@code linux.devices}) and its device cgroup rules
 * ({@code linux.resources.devices}).
 *
 * <p>Unprivileged: deny everything, then allow creating any node (mknod, "m") and using the
 * character devices every process expects (null, zero, full, random, urandom, tty, console, ptmx,
 * the pts slaves), then each CRI device with its permissions. runc appends much the same list
 * itself; writing it out keeps the spec honest on its own. Privileged: every device allowed and
 * every host {@code /dev} node created in the container, as the CRI's privileged mode means.
 */
final class DevicePlan {

	private static final String RWM = "rwm";

	/** type, major, minor (-1 = any), what for. */
	private static final List<Object[]> ALWAYS_ALLOWED = List.of(new Object[] { "c", 1, 3 }, // null
			new Object[] { "c", 1, 5 }, // zero
			new Object[] { "c", 1, 7 }, // full
			new Object[] { "c", 1, 8 }, // random
			new Object[] { "c", 1, 9 }, // urandom
			new Object[] { "c", 5, 0 }, // tty
			new Object[] { "c", 5, 1 }, // console
			new Object[] { "c", 5, 2 }, // ptmx
			new Object[] { "c", 136, -1 }); // pts/*

	record Result(ArrayNode nodes, ArrayNode cgroupRules) {
	}

	private DevicePlan() {
	}

	static Result of(List<Device> requested, boolean privileged, DeviceNodes host) {
		JsonNodeFactory json = JsonNodeFactory.instance;
		Map<String, DeviceNode> nodes = new LinkedHashMap<>();
		ArrayNode rules = json.arrayNode();
		if (privileged) {
			try {
				host.hostDevices().forEach((node) -> nodes.put(node.path(), node));
			}
			catch (IOException ex) {
				throw new Internal("listing the host's devices for a privileged container: " + ex.getMessage(), ex);
			}
			rules.addObject().put("allow", true).put("access", RWM);
		}
		else {
			rules.addObject().put("allow", false).put("access", RWM);
			rules.addObject().put("allow", true).put("type", "c").put("access", "m");
			rules.addObject().put("allow", true).put("type", "b").put("access", "m");
			for (Object[] allowed : ALWAYS_ALLOWED) {
				ObjectNode rule = rules.addObject().put("allow", true).put("type", (String) allowed[0]);
				rule.put("major", (int) allowed[1]);
				if ((int) allowed[2] >= 0) {
					rule.put("minor", (int) allowed[2]);
				}
				rule.put("access", RWM);
			}
		}
		for (int i = 0; i < requested.size(); i++) {
			Device device = requested.get(i);
			String field = "devices[" + i + "]";
			String hostPath = device.getHostPath();
			if (!hostPath.startsWith("/")) {
				throw new InvalidArgument(field + ".host_path: \"" + hostPath + "\" is not an absolute path");
			}
			String containerPath = device.getContainerPath().isEmpty() ? hostPath : device.getContainerPath();
			if (!containerPath.startsWith("/")) {
				throw new InvalidArgument(field + ".container_path: \"" + containerPath + "\" is not an absolute path");
			}
			containerPath = Path.of(containerPath).normalize().toString();
			String access = permissions(device.getPermissions(), field);
			List<DeviceNode> found;
			try {
				found = host.at(hostPath);
			}
			catch (NoSuchFileException ex) {
				throw new InvalidArgument(field + ".host_path: no device at " + hostPath, ex);
			}
			catch (IOException ex) {
				throw new Internal("looking up device " + hostPath + ": " + ex.getMessage(), ex);
			}
			if (found.isEmpty()) {
				throw new InvalidArgument(field + ".host_path: " + hostPath + " is not a device node");
			}
			Path hostTop = Path.of(hostPath);
			for (DeviceNode node : found) {
				// A directory of devices lands under container_path with the same layout.
				String relative = hostTop.relativize(Path.of(node.path())).toString();
				String at = relative.isEmpty() ? containerPath : Path.of(containerPath, relative).toString();
				nodes.put(at, node.at(at));
				if (!privileged) {
					rules.addObject()
						.put("allow", true)
						.put("type", node.type())
						.put("major", node.major())
						.put("minor", node.minor())
						.put("access", access);
				}
			}
		}
		ArrayNode out = json.arrayNode();
		for (DeviceNode node : nodes.values()) {
			out.addObject()
				.put("path", node.path())
				.put("type", node.type())
				.put("major", node.major())
				.put("minor", node.minor())
				.put("fileMode", node.fileMode())
				.put("uid", node.uid())
				.put("gid", node.gid());
		}
		return new Result(out, rules);
	}

	/** Some of r, w, m, each at most once, in any order; empty means all three. */
	private static String permissions(String permissions, String field) {
		if (permissions.isEmpty()) {
			return RWM;
		}
		StringBuilder normalized = new StringBuilder();
		for (char c : RWM.toCharArray()) {
			if (permissions.indexOf(c) >= 0) {
				normalized.append(c);
			}
		}
		if (normalized.length() != permissions.length()) {
			throw new InvalidArgument(field + ".permissions: \"" + permissions + "\" is not a combination of r, w and m");
		}
		return normalized.toString();
	}

}
