package io.rocketcri.image.archive;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import io.rocketcri.config.Json;
import io.rocketcri.testsupport.Blob;
import io.rocketcri.testsupport.BuiltImage;
import io.rocketcri.testsupport.LayerBuilder;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Image archives built in memory: ACI files (an appc manifest plus a {@link LayerBuilder} tree as
 * rootfs/), OCI layout archives and docker save archives of {@link BuiltImage}s, and a raw tar
 * writer for hostile members.
 */
final class ArchiveFixtures {

	private ArchiveFixtures() {
	}

	/** A member of a hand-made tar. */
	record Member(String name, char type, byte[] content, String linkName) {

		static Member file(String name, String content) {
			return new Member(name, (char) TarConstants.LF_NORMAL, content.getBytes(StandardCharsets.UTF_8), "");
		}

		static Member file(String name, byte[] content) {
			return new Member(name, (char) TarConstants.LF_NORMAL, content, "");
		}

		static Member dir(String name) {
			return new Member(name, (char) TarConstants.LF_DIR, new byte[0], "");
		}

		static Member symlink(String name, String target) {
			return new Member(name, (char) TarConstants.LF_SYMLINK, new byte[0], target);
		}

		static Member hardlink(String name, String target) {
			return new Member(name, (char) TarConstants.LF_LINK, new byte[0], target);
		}

	}

	/** A tar of exactly these members, names as given (no normalisation: hostile names stay hostile). */
	static byte[] tar(List<Member> members) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
			tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			for (Member m : members) {
				TarArchiveEntry e = new TarArchiveEntry(m.name(), (byte) m.type(), true);
				e.setModTime(FileTime.from(LayerBuilder.MTIME));
				if (m.type() == TarConstants.LF_NORMAL) {
					e.setSize(m.content().length);
					e.setMode(0100644);
				}
				else if (m.type() == TarConstants.LF_DIR) {
					e.setMode(040755);
				}
				else {
					e.setLinkName(m.linkName());
				}
				tar.putArchiveEntry(e);
				tar.write(m.content());
				tar.closeArchiveEntry();
			}
			tar.finish();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	/**
	 * An ACI: {@code manifest} first, then the layer's members under {@code rootfs/} (hard link
	 * targets too), as actool writes it.
	 */
	static byte[] aci(Object manifest, LayerBuilder rootfs) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
				TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(rootfs.tar()))) {
			tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
			byte[] json = json(manifest);
			TarArchiveEntry m = new TarArchiveEntry("manifest");
			m.setSize(json.length);
			m.setModTime(FileTime.from(LayerBuilder.MTIME));
			tar.putArchiveEntry(m);
			tar.write(json);
			tar.closeArchiveEntry();
			TarArchiveEntry root = new TarArchiveEntry("rootfs/");
			root.setModTime(FileTime.from(LayerBuilder.MTIME));
			tar.putArchiveEntry(root);
			tar.closeArchiveEntry();
			TarArchiveEntry e;
			while ((e = in.getNextEntry()) != null) {
				e.setName("rootfs/" + e.getName());
				if (e.isLink()) {
					e.setLinkName("rootfs/" + e.getLinkName());
				}
				tar.putArchiveEntry(e);
				in.transferTo(tar);
				tar.closeArchiveEntry();
			}
			tar.finish();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	/** An appc image manifest with {@code app}; labels version/os/arch as given (null leaves one out). */
	static Map<String, Object> aciManifest(String name, String version, Map<String, Object> app) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("acKind", "ImageManifest");
		m.put("acVersion", "0.8.11");
		m.put("name", name);
		List<Map<String, Object>> labels = new ArrayList<>();
		if (version != null) {
			labels.add(Map.of("name", "version", "value", version));
		}
		labels.add(Map.of("name", "os", "value", "linux"));
		labels.add(Map.of("name", "arch", "value", "amd64"));
		m.put("labels", labels);
		if (app != null) {
			m.put("app", app);
		}
		return m;
	}

	/** An OCI layout archive of the images, each index entry named by io.containerd.image.name. */
	static byte[] ociLayout(Map<String, BuiltImage> byName) {
		List<Member> members = new ArrayList<>();
		members.add(Member.file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"));
		List<Map<String, Object>> entries = new ArrayList<>();
		Map<String, Blob> blobs = new LinkedHashMap<>();
		byName.forEach((name, image) -> {
			Blob top = image.index().orElse(image.manifest());
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("mediaType", top.mediaType());
			entry.put("digest", top.digest());
			entry.put("size", top.size());
			entry.put("annotations", Map.of("io.containerd.image.name", name, "org.opencontainers.image.ref.name",
					name.substring(name.lastIndexOf(':') + 1)));
			entries.add(entry);
			blobs.put(top.digest(), top);
			blobs.put(image.manifest().digest(), image.manifest());
			image.otherManifests().forEach(b -> blobs.put(b.digest(), b));
			image.blobs().forEach(b -> blobs.put(b.digest(), b));
		});
		members.add(Member.file("index.json",
				json(Map.of("schemaVersion", 2, "mediaType", "application/vnd.oci.image.index.v1+json", "manifests", entries))));
		members.add(Member.dir("blobs/"));
		members.add(Member.dir("blobs/sha256/"));
		blobs.values().forEach(b -> members.add(Member.file("blobs/sha256/" + b.digest().substring(7), b.bytes())));
		return tar(members);
	}

	/**
	 * A docker save archive (the classic layout docker wrote before 25): {@code <hex>.json} configs,
	 * {@code <n>/layer.tar} uncompressed layers, {@code manifest.json}, {@code repositories}. The
	 * images must have uncompressed layers.
	 */
	static byte[] dockerSave(Map<String, BuiltImage> byName) {
		List<Member> members = new ArrayList<>();
		List<Map<String, Object>> manifest = new ArrayList<>();
		Map<String, String> layerDirs = new LinkedHashMap<>();
		byName.forEach((name, image) -> {
			String configName = image.config().digest().substring(7) + ".json";
			if (members.stream().noneMatch(m -> m.name().equals(configName))) {
				members.add(Member.file(configName, image.config().bytes()));
			}
			List<String> layers = new ArrayList<>();
			for (Blob layer : image.layers()) {
				String dir = layerDirs.get(layer.digest());
				if (dir == null) {
					dir = "layer" + layerDirs.size();
					layerDirs.put(layer.digest(), dir);
					members.add(Member.dir(dir + "/"));
					members.add(Member.file(dir + "/VERSION", "1.0"));
					members.add(Member.file(dir + "/layer.tar", layer.bytes()));
				}
				layers.add(dir + "/layer.tar");
			}
			manifest.add(Map.of("Config", configName, "RepoTags", List.of(name), "Layers", layers));
		});
		members.add(Member.file("manifest.json", json(manifest)));
		members.add(Member.file("repositories", "{}"));
		return tar(members);
	}

	static byte[] gzip(byte[] bytes) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
			gz.write(bytes);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	static byte[] json(Object value) {
		return Json.MAPPER.writeValueAsBytes(value);
	}

	static Member jsonFile(String name, Object value) {
		return Member.file(name, json(value));
	}

}
