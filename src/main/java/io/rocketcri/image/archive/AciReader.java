package io.rocketcri.image.archive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.rocketcri.config.Json;
import io.rocketcri.image.ImageConfig;
import io.rocketcri.image.reference.ImageReference;
import io.rocketcri.image.registry.Descriptor;
import io.rocketcri.image.registry.Manifest;
import io.rocketcri.image.registry.MediaTypes;
import io.rocketcri.image.registry.Platform;
import tools.jackson.databind.JsonNode;

/**
 * Turns an App Container Image (appc spec, {@code spec/aci.md}) into an OCI image: the image
 * manifest's {@code name} and {@code version} label become the reference {@code <name>:<version>}
 * ({@code latest} without a version label), its {@code app} the OCI config, its rootfs one layer.
 *
 * <p>The mapping, field by field:
 * <ul>
 * <li>{@code exec} → {@code Entrypoint}, no {@code Cmd}: appc lets the executor append arguments
 * or replace the whole, which is what a pod's {@code args} and {@code command} do to an entrypoint.</li>
 * <li>{@code user}, {@code group} → {@code User "user:group"}; names stay names (resolved in the
 * image's /etc/passwd and /etc/group when the container is created), a path ("/usr/bin/ping")
 * becomes the numeric owner of that file in the rootfs.</li>
 * <li>{@code environment} → {@code Env}; {@code workingDirectory} → {@code WorkingDir};
 * {@code ports} → {@code ExposedPorts} (ranges expanded); {@code mountPoints} → {@code Volumes}.</li>
 * <li>What OCI configs cannot say is kept as labels under {@code io.rocketcri.appc.}:
 * {@code supplementaryGIDs} (not applied: kubelet's supplementalGroups is the way to add groups),
 * a mount point's name and read-only flag, the ACI's labels, annotations and image id
 * ({@code sha512-…} of the uncompressed ACI). {@code eventHandlers} and {@code isolators} are not
 * run or applied and are named in the label {@code io.rocketcri.appc.ignored}.</li>
 * <li>{@code dependencies} must already be on this node (imported or pulled before), under
 * {@code <imageName>:<version label>} or {@code <imageName>:latest}; their layers go below the
 * rootfs. A dependency's {@code imageID} is compared with the image id recorded when that ACI was
 * imported. Missing dependencies are refused, all named at once. A non-empty
 * {@code pathWhitelist} is refused: it would change the dependencies' content.</li>
 * </ul>
 */
final class AciReader {

	static final String MANIFEST_FILE = "manifest";

	static final String LABEL_PREFIX = "io.rocketcri.appc.";

	/** appc AC Identifier: lowercase words joined by - . _ ~ / (types.md). */
	private static final Pattern AC_IDENTIFIER = Pattern.compile("[a-z0-9]+([-._~/][a-z0-9]+)*");

	private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

	/** An image already on this node that an ACI depends on. */
	record Dependency(Manifest manifest, ImageConfig config, Map<String, Path> blobs) {
	}

	/** Finds a stored image by reference, for dependencies. */
	interface Dependencies {

		Optional<Dependency> find(String reference) throws IOException;

	}

	private AciReader() {
	}

	static boolean matches(StagedArchive staged) throws ArchiveRefused {
		return staged.has(MANIFEST_FILE) && staged.rootfs().isPresent();
	}

	static List<ArchiveImage> read(StagedArchive staged, Dependencies dependencies) throws IOException {
		for (String name : staged.names()) {
			if (!name.equals(MANIFEST_FILE)) {
				throw new ArchiveRefused("ACI: member '" + name + "' is outside rootfs/; an ACI holds only manifest and rootfs");
			}
		}
		JsonNode m = ArchiveDocuments.json(staged.document(MANIFEST_FILE, "ACI"), "ACI manifest");
		if (!m.isObject() || !"ImageManifest".equals(m.path("acKind").asString(""))) {
			throw new ArchiveRefused("ACI manifest: acKind is not \"ImageManifest\"");
		}
		if (!m.path("acVersion").isString()) {
			throw new ArchiveRefused("ACI manifest: acVersion is missing");
		}
		String name = m.path("name").asString("");
		if (!AC_IDENTIFIER.matcher(name).matches()) {
			throw new ArchiveRefused("ACI manifest: name \"" + name + "\" is not an AC identifier");
		}
		String what = "ACI " + name;
		Map<String, String> acLabels = nameValues(m.path("labels"), "labels", what);
		if (acLabels.containsKey("name")) {
			throw new ArchiveRefused(what + ": a label may not be called \"name\"");
		}
		ArchiveDocuments.checkPlatform(acLabels.getOrDefault("os", ""), acLabels.getOrDefault("arch", ""), what);
		if (acLabels.containsKey("arch") && !acLabels.containsKey("os")) {
			throw new ArchiveRefused(what + ": label arch is given without os");
		}
		String tag = acLabels.getOrDefault("version", "latest").replace('+', '_');
		ImageReference ref = ArchiveDocuments.reference(name + ":" + tag, what);
		if (!m.path("pathWhitelist").isMissingNode() && !m.path("pathWhitelist").isNull()
				&& !m.path("pathWhitelist").isEmpty()) {
			throw new ArchiveRefused(what + ": pathWhitelist is not supported");
		}
		AciRootfs rootfs = staged.rootfs().orElseThrow();

		Map<String, Path> blobs = new HashMap<>();
		List<Descriptor> layers = new ArrayList<>();
		List<String> diffIds = new ArrayList<>();
		resolveDependencies(m.path("dependencies"), dependencies, what, layers, diffIds, blobs);
		layers.add(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, rootfs.digest(), rootfs.size()));
		diffIds.add(rootfs.diffId());
		blobs.put(rootfs.digest(), rootfs.file());

		Map<String, String> labels = new TreeMap<>();
		labels.put(LABEL_PREFIX + "name", name);
		labels.put(LABEL_PREFIX + "image-id", staged.appcImageId());
		acLabels.forEach((k, v) -> labels.put(LABEL_PREFIX + "label." + k, v));
		Map<String, String> annotations = nameValues(m.path("annotations"), "annotations", what);
		annotations.forEach((k, v) -> labels.put(LABEL_PREFIX + "annotation." + k, v));
		Map<String, Object> runConfig = m.has("app") ? app(m.get("app"), rootfs, what, labels) : new LinkedHashMap<>();
		runConfig.put("Labels", labels);

		Platform host = Platform.host();
		Map<String, Object> config = new LinkedHashMap<>();
		if (annotations.containsKey("created")) {
			config.put("created", annotations.get("created"));
		}
		config.put("architecture", host.architecture());
		config.put("os", host.os());
		config.put("config", runConfig);
		Map<String, Object> rootfsSection = new LinkedHashMap<>(); // ordered: the same ACI gives the same image id
		rootfsSection.put("type", "layers");
		rootfsSection.put("diff_ids", diffIds);
		config.put("rootfs", rootfsSection);
		config.put("history", List.of(Map.of("created_by", "rocket-cri: rootfs of ACI " + name + ":" + tag)));
		byte[] configBytes = Json.MAPPER.writeValueAsString(config).getBytes(StandardCharsets.UTF_8);
		Descriptor configDescriptor = Descriptor.of(MediaTypes.OCI_CONFIG, DockerSaveReader.sha256(configBytes),
				configBytes.length);
		blobs.put(configDescriptor.digest(), staged.write(configBytes));

		Map<String, Object> manifest = new LinkedHashMap<>();
		manifest.put("schemaVersion", 2);
		manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
		manifest.put("config", configDescriptor.json());
		manifest.put("layers", layers.stream().map(Descriptor::json).toList());
		byte[] raw = Json.MAPPER.writeValueAsString(manifest).getBytes(StandardCharsets.UTF_8);
		Manifest parsed = ArchiveDocuments.manifest(raw, what);
		return List.of(new ArchiveImage(List.of(ref), parsed, ArchiveDocuments.config(configBytes, parsed, what), blobs,
				true));
	}

	private static Map<String, Object> app(JsonNode app, AciRootfs rootfs, String what, Map<String, String> labels)
			throws ArchiveRefused {
		Map<String, Object> c = new LinkedHashMap<>();
		List<String> exec = ArchiveDocuments.texts(app.path("exec"));
		if (exec.isEmpty() || !exec.getFirst().startsWith("/")) {
			throw new ArchiveRefused(what + ": app.exec must be a non-empty list starting with an absolute path");
		}
		if (!app.path("user").isString() || !app.path("group").isString()) {
			throw new ArchiveRefused(what + ": app.user and app.group are required");
		}
		String user = owner(app.get("user").asString(), rootfs, true, what);
		String group = owner(app.get("group").asString(), rootfs, false, what);
		c.put("User", user + ":" + group);
		List<String> env = new ArrayList<>();
		for (Map.Entry<String, String> e : nameValues(app.path("environment"), "app.environment", what).entrySet()) {
			if (!ENV_NAME.matcher(e.getKey()).matches()) {
				throw new ArchiveRefused(what + ": environment variable name \"" + e.getKey()
						+ "\" is not letters, digits and underscores");
			}
			env.add(e.getKey() + "=" + e.getValue());
		}
		if (!env.isEmpty()) {
			c.put("Env", env);
		}
		c.put("Entrypoint", exec);
		if (app.has("workingDirectory")) {
			String dir = app.get("workingDirectory").asString("");
			if (!dir.startsWith("/")) {
				throw new ArchiveRefused(what + ": app.workingDirectory \"" + dir + "\" is not absolute");
			}
			c.put("WorkingDir", dir);
		}
		Map<String, Object> ports = new TreeMap<>();
		for (JsonNode port : app.path("ports")) {
			int first = port.path("port").asInt(0);
			int count = port.path("count").asInt(1);
			String protocol = port.path("protocol").asString("tcp");
			if (first < 1 || count < 1 || first + count - 1 > 65535) {
				throw new ArchiveRefused(what + ": port " + port.path("name").asString("") + " is outside 1-65535");
			}
			for (int p = first; p < first + count; p++) {
				ports.put(p + "/" + protocol, Map.of());
			}
		}
		if (!ports.isEmpty()) {
			c.put("ExposedPorts", ports);
		}
		Map<String, Object> volumes = new TreeMap<>();
		for (JsonNode mount : app.path("mountPoints")) {
			String path = mount.path("path").asString("");
			if (!path.startsWith("/")) {
				throw new ArchiveRefused(
						what + ": mount point " + mount.path("name").asString("") + " has no absolute path");
			}
			volumes.put(path, Map.of());
			labels.put(LABEL_PREFIX + "mount." + mount.path("name").asString(""),
					path + (mount.path("readOnly").asBoolean(false) ? ":ro" : ""));
		}
		if (!volumes.isEmpty()) {
			c.put("Volumes", volumes);
		}
		List<String> gids = ArchiveDocuments.texts(app.path("supplementaryGIDs"));
		if (!gids.isEmpty()) {
			labels.put(LABEL_PREFIX + "supplementary-gids", String.join(",", gids));
		}
		List<String> ignored = new ArrayList<>();
		for (String field : List.of("eventHandlers", "isolators")) {
			if (app.path(field).isArray() && !app.path(field).isEmpty()) {
				ignored.add(field);
			}
		}
		if (!ignored.isEmpty()) {
			labels.put(LABEL_PREFIX + "ignored", String.join(",", ignored));
		}
		return c;
	}

	/** A user or group as the OCI config says it: the name or number as given, or a path's owner. */
	private static String owner(String value, AciRootfs rootfs, boolean user, String what) throws ArchiveRefused {
		if (value.isEmpty() || value.contains(":")) {
			throw new ArchiveRefused(what + ": app." + (user ? "user" : "group") + " \"" + value + "\" is not usable");
		}
		if (!value.startsWith("/")) {
			return value;
		}
		AciRootfs.Owner owner = rootfs.owner(value)
			.orElseThrow(() -> new ArchiveRefused(what + ": app." + (user ? "user" : "group") + " names the file "
					+ value + ", which is not in the rootfs"));
		return Integer.toUnsignedString(user ? owner.uid() : owner.gid());
	}

	private static void resolveDependencies(JsonNode list, Dependencies dependencies, String what,
			List<Descriptor> layers, List<String> diffIds, Map<String, Path> blobs) throws IOException {
		List<String> missing = new ArrayList<>();
		for (JsonNode dep : list) {
			String imageName = dep.path("imageName").asString("");
			Map<String, String> depLabels = nameValues(dep.path("labels"), "dependency labels", what);
			String reference = imageName + ":" + depLabels.getOrDefault("version", "latest").replace('+', '_');
			Optional<Dependency> found = AC_IDENTIFIER.matcher(imageName).matches() ? dependencies.find(reference)
					: Optional.empty();
			if (found.isEmpty()) {
				missing.add(reference);
				continue;
			}
			Dependency d = found.get();
			String wantedId = dep.path("imageID").asString("");
			String storedId = d.config().labels().get(LABEL_PREFIX + "image-id");
			if (!wantedId.isEmpty() && !wantedId.equals(storedId)) {
				throw new ArchiveRefused(what + ": dependency " + reference + " must have image ID " + wantedId
						+ " but the stored one has " + (storedId == null ? "none (it was not imported from an ACI)" : storedId));
			}
			layers.addAll(d.manifest().layers());
			diffIds.addAll(d.config().diffIds());
			blobs.putAll(d.blobs());
		}
		if (!missing.isEmpty()) {
			throw new ArchiveRefused(what + ": dependencies not on this node: " + String.join(", ", missing)
					+ "; import them first");
		}
	}

	/** appc's list of {name, value} objects, names unique. */
	private static Map<String, String> nameValues(JsonNode list, String field, String what) throws ArchiveRefused {
		Map<String, String> out = new LinkedHashMap<>();
		if (list.isMissingNode() || list.isNull()) {
			return out;
		}
		if (!list.isArray()) {
			throw new ArchiveRefused(what + ": " + field + " is not a list");
		}
		for (JsonNode item : list) {
			if (!item.path("name").isString() || !item.path("value").isString()) {
				throw new ArchiveRefused(what + ": every entry of " + field + " needs a name and a string value");
			}
			if (out.put(item.get("name").asString(), item.get("value").asString()) != null) {
				throw new ArchiveRefused(what + ": " + field + " names \"" + item.get("name").asString() + "\" twice");
			}
		}
		return out;
	}


}
