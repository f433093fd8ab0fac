package io.rocketcri.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import com.github.luben.zstd.Zstd;
import io.rocketcri.config.Json;

/**
 * Builds container images in memory from {@link LayerBuilder} layers: layer blobs (gzip, zstd or
 * uncompressed), the image config, an OCI or Docker schema2 manifest and, on request, an OCI index
 * or Docker manifest list with extra platforms (dummy layers) and a BuildKit-style attestation
 * entry ({@code unknown/unknown}).
 *
 * <pre>{@code
 * BuiltImage image = OciImageBuilder.busybox()
 *     .layer(Layers.file("/etc/motd", "hello\n"))
 *     .cmd("sleep", "3600")
 *     .compression(Compression.ZSTD)
 *     .multiPlatform()
 *     .build();
 * PushedImage pushed = TestRegistry.shared().pusher().push(image, "rocket/busybox", "1");
 * }</pre>
 *
 * <p>Output is deterministic: the same calls give the same digests.
 */
public final class OciImageBuilder {

	public enum Compression {
		GZIP, ZSTD, NONE
	}

	/** Which media types the manifests and the index use. */
	public enum Format {
		/** OCI image manifest / OCI index / OCI config and layer types. */
		OCI,
		/** Docker schema2 manifest / manifest list / Docker config and layer types. */
		DOCKER_SCHEMA2
	}

	/** An index entry's platform. */
	public record Platform(String os, String architecture, String variant) {

		public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", null);

		public static final Platform LINUX_ARM64_V8 = new Platform("linux", "arm64", "v8");

		/** What BuildKit writes for attestation manifests. */
		public static final Platform UNKNOWN = new Platform("unknown", "unknown", null);

		@Override
		public String toString() {
			return os + "/" + architecture + (variant == null ? "" : "/" + variant);
		}

	}

	/** Index annotation BuildKit puts on an attestation entry: what it is. */
	public static final String ANNOTATION_REFERENCE_TYPE = "vnd.docker.reference.type";

	/** Index annotation BuildKit puts on an attestation entry: the manifest it is about. */
	public static final String ANNOTATION_REFERENCE_DIGEST = "vnd.docker.reference.digest";

	public static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

	private record LayerSpec(LayerBuilder layer, Compression compression, String createdBy) {
	}

	private final List<LayerSpec> layers = new ArrayList<>();
	private Compression compression = Compression.GZIP;
	private Format format = Format.OCI;
	private Instant created = LayerBuilder.MTIME;
	private String user;
	private final List<String> env = new ArrayList<>();
	private List<String> entrypoint;
	private List<String> cmd;
	private String workingDir;
	private String stopSignal;
	private final Map<String, String> labels = new LinkedHashMap<>();
	private final List<String> exposedPorts = new ArrayList<>();
	private final List<String> volumes = new ArrayList<>();
	private boolean index;
	private final List<Platform> extraPlatforms = new ArrayList<>();
	private boolean attestation;
	private boolean imageLast;

	private OciImageBuilder() {
	}

	/** An image with no layer and no config yet. */
	public static OciImageBuilder scratch() {
		return new OciImageBuilder();
	}

	/**
	 * An image on {@link Layers#busyboxRoot()}: env {@link #DEFAULT_PATH}, cmd {@code ["sh"]}, no
	 * config user (root).
	 */
	public static OciImageBuilder busybox() {
		return new OciImageBuilder().layer(Layers.busyboxRoot(), null, "busybox root file system")
			.env(DEFAULT_PATH)
			.cmd("sh");
	}

	/** Adds a layer on top, compressed with the image's {@link #compression(Compression)}. */
	public OciImageBuilder layer(LayerBuilder layer) {
		return layer(layer, null, null);
	}

	/** Adds a layer on top with its own compression. */
	public OciImageBuilder layer(LayerBuilder layer, Compression compression) {
		return layer(layer, compression, null);
	}

	private OciImageBuilder layer(LayerBuilder layer, Compression compression, String createdBy) {
		layers.add(new LayerSpec(layer, compression, createdBy));
		return this;
	}

	/** Compression of the layers that have none of their own (default gzip). */
	public OciImageBuilder compression(Compression compression) {
		this.compression = compression;
		return this;
	}

	public OciImageBuilder format(Format format) {
		this.format = format;
		return this;
	}

	/** The config's and history's {@code created} time (default 2024-01-01T00:00:00Z). */
	public OciImageBuilder created(Instant created) {
		this.created = created;
		return this;
	}

	/** {@code config.User}: {@code name}, {@code uid}, {@code uid:gid}, {@code name:group}. */
	public OciImageBuilder user(String user) {
		this.user = user;
		return this;
	}

	/** Appends {@code KEY=value} entries to {@code config.Env}. */
	public OciImageBuilder env(String... entries) {
		env.addAll(Arrays.asList(entries));
		return this;
	}

	/** Removes all {@code config.Env} entries (e.g. the busybox image's PATH). */
	public OciImageBuilder clearEnv() {
		env.clear();
		return this;
	}

	/** {@code config.Entrypoint}; no argument gives an empty list. */
	public OciImageBuilder entrypoint(String... args) {
		entrypoint = List.of(args);
		return this;
	}

	/** {@code config.Cmd}; no argument gives an empty list. */
	public OciImageBuilder cmd(String... args) {
		cmd = List.of(args);
		return this;
	}

	/** Leaves {@code config.Cmd} out of the config. */
	public OciImageBuilder noCmd() {
		cmd = null;
		return this;
	}

	public OciImageBuilder workingDir(String dir) {
		workingDir = dir;
		return this;
	}

	/** {@code config.StopSignal}, e.g. {@code SIGQUIT}. */
	public OciImageBuilder stopSignal(String signal) {
		stopSignal = signal;
		return this;
	}

	public OciImageBuilder label(String key, String value) {
		labels.put(key, value);
		return this;
	}

	/** {@code config.ExposedPorts} entry, e.g. {@code 80/tcp}. */
	public OciImageBuilder exposedPort(String port) {
		exposedPorts.add(port);
		return this;
	}

	/** {@code config.Volumes} entry, e.g. {@code /data}. */
	public OciImageBuilder volume(String path) {
		volumes.add(path);
		return this;
	}

	/** Wraps the linux/amd64 manifest in an OCI index (or Docker manifest list). */
	public OciImageBuilder index() {
		index = true;
		return this;
	}

	/** Adds an index entry for another platform, with a dummy config and one dummy layer. */
	public OciImageBuilder platform(Platform platform) {
		index = true;
		extraPlatforms.add(platform);
		return this;
	}

	/** Adds a BuildKit-style attestation manifest about the amd64 image to the index. */
	public OciImageBuilder attestation() {
		index = true;
		attestation = true;
		return this;
	}

	/** Index with linux/amd64 (this image), linux/arm64/v8 (dummy) and an unknown/unknown attestation. */
	public OciImageBuilder multiPlatform() {
		return platform(Platform.LINUX_ARM64_V8).attestation();
	}

	/** Lists the amd64 manifest after the other platforms in the index (platform selection test). */
	public OciImageBuilder imageLastInIndex() {
		index = true;
		imageLast = true;
		return this;
	}

	public BuiltImage build() {
		List<Blob> layerBlobs = new ArrayList<>();
		List<String> diffIds = new ArrayList<>();
		List<Map<String, Object>> history = new ArrayList<>();
		for (int i = 0; i < layers.size(); i++) {
			LayerSpec spec = layers.get(i);
			byte[] tar = spec.layer().tar();
			Compression c = spec.compression() != null ? spec.compression() : compression;
			layerBlobs.add(Blob.of(layerMediaType(format, c), compress(tar, c)));
			diffIds.add(Blob.sha256(tar));
			history.add(map("created", created.toString(), "created_by",
					spec.createdBy() != null ? spec.createdBy() : "rocket-cri test layer " + (i + 1)));
		}

		Map<String, Object> runConfig = new LinkedHashMap<>();
		putIf(runConfig, "User", user);
		putIf(runConfig, "ExposedPorts", emptyObjects(exposedPorts));
		putIf(runConfig, "Env", env.isEmpty() ? null : List.copyOf(env));
		putIf(runConfig, "Entrypoint", entrypoint);
		putIf(runConfig, "Cmd", cmd);
		putIf(runConfig, "Volumes", emptyObjects(volumes));
		putIf(runConfig, "WorkingDir", workingDir);
		putIf(runConfig, "Labels", labels.isEmpty() ? null : new LinkedHashMap<>(labels));
		putIf(runConfig, "StopSignal", stopSignal);

		Blob config = Blob.of(configMediaType(format),
				json(imageConfig(Platform.LINUX_AMD64, runConfig, diffIds, history)));
		Blob manifest = manifest(format, config, layerBlobs);
		if (!index) {
			return new BuiltImage(format, manifest, config, layerBlobs, diffIds, Optional.empty(), List.of(),
					List.of());
		}

		List<Map<String, Object>> entries = new ArrayList<>();
		List<Blob> otherManifests = new ArrayList<>();
		List<Blob> otherBlobs = new ArrayList<>();
		Map<String, Object> imageEntry = indexEntry(manifest, Platform.LINUX_AMD64, null);
		if (!imageLast) {
			entries.add(imageEntry);
		}
		for (Platform p : extraPlatforms) {
			byte[] tar = LayerBuilder.create().file("etc/platform", p + "\n").tar();
			Blob layer = Blob.of(layerMediaType(format, compression), compress(tar, compression));
			Map<String, Object> cfg = new LinkedHashMap<>();
			cfg.put("Cmd", List.of("sh"));
			Blob pConfig = Blob.of(configMediaType(format), json(imageConfig(p, cfg, List.of(Blob.sha256(tar)),
					List.of(map("created", created.toString(), "created_by", "dummy layer for " + p)))));
			Blob pManifest = manifest(format, pConfig, List.of(layer));
			otherBlobs.add(pConfig);
			otherBlobs.add(layer);
			otherManifests.add(pManifest);
			entries.add(indexEntry(pManifest, p, null));
		}
		if (imageLast) {
			entries.add(imageEntry);
		}
		if (attestation) {
			Map<String, Object> statement = new LinkedHashMap<>();
			statement.put("_type", "https://in-toto.io/Statement/v0.1");
			statement.put("predicateType", "https://slsa.dev/provenance/v0.2");
			statement.put("subject", List.of(map("name", "rocket-cri-test-image", "digest",
					map("sha256", manifest.digest().substring("sha256:".length())))));
			statement.put("predicate", map("builder", map("id", "rocket-cri OciImageBuilder")));
			Blob layer = Blob.of(MediaTypes.IN_TOTO, json(statement));
			Map<String, Object> aConfig = new LinkedHashMap<>();
			aConfig.put("architecture", "unknown");
			aConfig.put("os", "unknown");
			aConfig.put("config", Map.of());
			aConfig.put("rootfs", map("type", "layers", "diff_ids", List.of(layer.digest())));
			Blob aConfigBlob = Blob.of(MediaTypes.OCI_CONFIG, json(aConfig));
			Map<String, Object> layerDesc = descriptor(layer);
			layerDesc.put("annotations", map("in-toto.io/predicate-type", "https://slsa.dev/provenance/v0.2"));
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("schemaVersion", 2);
			m.put("mediaType", MediaTypes.OCI_MANIFEST);
			m.put("config", descriptor(aConfigBlob));
			m.put("layers", List.of(layerDesc));
			Blob aManifest = Blob.of(MediaTypes.OCI_MANIFEST, json(m));
			otherBlobs.add(aConfigBlob);
			otherBlobs.add(layer);
			otherManifests.add(aManifest);
			entries.add(indexEntry(aManifest, Platform.UNKNOWN,
					map(ANNOTATION_REFERENCE_DIGEST, manifest.digest(), ANNOTATION_REFERENCE_TYPE,
							"attestation-manifest")));
		}
		String indexType = format == Format.OCI ? MediaTypes.OCI_INDEX : MediaTypes.DOCKER_MANIFEST_LIST;
		Map<String, Object> idx = new LinkedHashMap<>();
		idx.put("schemaVersion", 2);
		idx.put("mediaType", indexType);
		idx.put("manifests", entries);
		Blob indexBlob = Blob.of(indexType, json(idx));
		return new BuiltImage(format, manifest, config, layerBlobs, diffIds, Optional.of(indexBlob), otherManifests,
				otherBlobs);
	}

	/** The layer media type for a format and a compression. */
	public static String layerMediaType(Format format, Compression compression) {
		return switch (format) {
			case OCI -> switch (compression) {
				case GZIP -> MediaTypes.OCI_LAYER_GZIP;
				case ZSTD -> MediaTypes.OCI_LAYER_ZSTD;
				case NONE -> MediaTypes.OCI_LAYER;
			};
			case DOCKER_SCHEMA2 -> switch (compression) {
				case GZIP -> MediaTypes.DOCKER_LAYER_GZIP;
				case ZSTD -> MediaTypes.DOCKER_LAYER_ZSTD;
				case NONE -> MediaTypes.DOCKER_LAYER;
			};
		};
	}

	/** Compresses a tar as a layer blob (gzip with a zero header time, zstd level 3, or as is). */
	public static byte[] compress(byte[] tar, Compression compression) {
		return switch (compression) {
			case NONE -> tar.clone();
			case ZSTD -> Zstd.compress(tar, 3);
			case GZIP -> {
				ByteArrayOutputStream out = new ByteArrayOutputStream();
				try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
					gz.write(tar);
				}
				catch (IOException e) {
					throw new UncheckedIOException(e);
				}
				yield out.toByteArray();
			}
		};
	}

	private static String configMediaType(Format format) {
		return format == Format.OCI ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG;
	}

	private Map<String, Object> imageConfig(Platform platform, Map<String, Object> runConfig, List<String> diffIds,
			List<Map<String, Object>> history) {
		Map<String, Object> c = new LinkedHashMap<>();
		c.put("created", created.toString());
		c.put("architecture", platform.architecture());
		putIf(c, "variant", platform.variant());
		c.put("os", platform.os());
		c.put("config", runConfig);
		c.put("rootfs", map("type", "layers", "diff_ids", List.copyOf(diffIds)));
		c.put("history", history);
		return c;
	}

	private static Blob manifest(Format format, Blob config, List<Blob> layers) {
		String type = format == Format.OCI ? MediaTypes.OCI_MANIFEST : MediaTypes.DOCKER_MANIFEST;
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("schemaVersion", 2);
		m.put("mediaType", type);
		m.put("config", descriptor(config));
		m.put("layers", layers.stream().map(OciImageBuilder::descriptor).toList());
		return Blob.of(type, json(m));
	}

	private static Map<String, Object> indexEntry(Blob manifest, Platform platform, Map<String, Object> annotations) {
		Map<String, Object> e = descriptor(manifest);
		putIf(e, "annotations", annotations);
		Map<String, Object> p = new LinkedHashMap<>();
		p.put("architecture", platform.architecture());
		p.put("os", platform.os());
		putIf(p, "variant", platform.variant());
		e.put("platform", p);
		return e;
	}

	private static Map<String, Object> descriptor(Blob blob) {
		Map<String, Object> d = new LinkedHashMap<>();
		d.put("mediaType", blob.mediaType());
		d.put("digest", blob.digest());
		d.put("size", blob.size());
		return d;
	}

	private static Map<String, Object> emptyObjects(List<String> keys) {
		if (keys.isEmpty()) {
			return null;
		}
		Map<String, Object> m = new LinkedHashMap<>();
		keys.forEach(k -> m.put(k, Map.of()));
		return m;
	}

	private static Map<String, Object> map(Object... kv) {
		Map<String, Object> m = new LinkedHashMap<>();
		for (int i = 0; i < kv.length; i += 2) {
			m.put((String) kv[i], kv[i + 1]);
		}
		return m;
	}

	private static void putIf(Map<String, Object> m, String key, Object value) {
		if (value != null) {
			m.put(key, value);
		}
	}

	static byte[] json(Object value) {
		return Json.MAPPER.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
	}

}
