package io.rocketcri.image;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Images and layers: hot copies in memory (kubelet lists images every few seconds), written
 * through to H2 on every change, loaded from H2 at boot. Writers are serialised on this object;
 * readers see immutable records.
 */
// @Component, not @Repository: JdbcClient already turns SQL errors into DataAccessException, and
// @Repository's proxy around every call (exception translation) was most of the garbage of
// kubelet's relists at 1,000 containers (JFR allocation samples).
@Component
class ImageStore {

	private final JdbcClient jdbc;

	private final TransactionTemplate tx;

	/** Guarded by this. Replaced wholesale on change; readers take the current map. */
	private volatile Map<String, ImageRecord> images = Map.of();

	/** name (tag or repo digest) → image id; guarded by this. */
	private volatile Map<String, String> names = Map.of();

	private final Map<String, LayerRecord> layers = new ConcurrentHashMap<>();

	ImageStore(JdbcClient jdbc, TransactionTemplate tx) {
		this.jdbc = jdbc;
		this.tx = tx;
	}

	synchronized void load() {
		Map<String, List<String>> tags = new HashMap<>();
		Map<String, List<String>> digests = new HashMap<>();
		jdbc.sql("SELECT name, image_id, kind FROM image_name ORDER BY name").query(rs -> {
			var target = "TAG".equals(rs.getString("kind")) ? tags : digests;
			target.computeIfAbsent(rs.getString("image_id"), k -> new ArrayList<>()).add(rs.getString("name"));
		});
		Map<String, List<String>> chains = new HashMap<>();
		jdbc.sql("SELECT image_id, chain_id FROM image_layer ORDER BY image_id, position")
			.query(rs -> {
				chains.computeIfAbsent(rs.getString("image_id"), k -> new ArrayList<>()).add(rs.getString("chain_id"));
			});
		Map<String, List<String>> blobs = new HashMap<>();
		jdbc.sql("SELECT image_id, digest FROM image_blob ORDER BY image_id, role")
			.query(rs -> {
				blobs.computeIfAbsent(rs.getString("image_id"), k -> new ArrayList<>()).add(rs.getString("digest"));
			});
		Map<String, ImageRecord> loaded = new HashMap<>();
		jdbc.sql("SELECT * FROM image").query(rs -> {
			String id = rs.getString("id");
			long uid = rs.getLong("uid");
			Long uidOrNull = rs.wasNull() ? null : uid;
			loaded.put(id, new ImageRecord(id, rs.getString("manifest_digest"), rs.getString("manifest_media_type"),
					rs.getLong("size_bytes"), uidOrNull, rs.getString("username"), rs.getBoolean("pinned"),
					rs.getString("pulled_from"), rs.getTimestamp("created_at").toInstant(),
					tags.getOrDefault(id, List.of()), digests.getOrDefault(id, List.of()),
					chains.getOrDefault(id, List.of()), blobs.getOrDefault(id, List.of())));
		});
		layers.clear();
		jdbc.sql("SELECT * FROM layer")
			.query((rs, n) -> new LayerRecord(rs.getString("chain_id"), rs.getString("diff_id"),
					rs.getString("blob_digest"), rs.getLong("blob_size"), rs.getLong("disk_bytes"),
					rs.getLong("disk_inodes")))
			.list()
			.forEach(l -> layers.put(l.chainId(), l));
		publish(loaded);
	}

	Collection<ImageRecord> all() {
		return images.values();
	}

	Optional<ImageRecord> byId(String id) {
		return Optional.ofNullable(images.get(id));
	}

	Optional<ImageRecord> byName(String name) {
		String id = names.get(name);
		return id == null ? Optional.empty() : byId(id);
	}

	/** Ids starting with the given hex prefix (crictl accepts short ids). */
	List<ImageRecord> byIdPrefix(String hexPrefix) {
		return images.values().stream().filter(i -> i.id().startsWith("sha256:" + hexPrefix)).toList();
	}

	Optional<LayerRecord> layer(String chainId) {
		return Optional.ofNullable(layers.get(chainId));
	}

	Collection<LayerRecord> layers() {
		return layers.values();
	}

	/** Records a pulled layer; idempotent (a layer shared by two pulls is saved once). */
	void saveLayer(LayerRecord layer) {
		jdbc.sql("""
				MERGE INTO layer (chain_id, diff_id, blob_digest, blob_size, disk_bytes, disk_inodes)
				KEY (chain_id) VALUES (?, ?, ?, ?, ?, ?)""")
			.params(layer.chainId(), layer.diffId(), layer.blobDigest(), layer.blobSize(), layer.diskBytes(),
					layer.diskInodes())
			.update();
		layers.put(layer.chainId(), layer);
	}

	/**
	 * Saves an image, merging with an existing record of the same id, and moves its tags away
	 * from any other image (a tag names one image at a time). Returns the stored record.
	 */
	synchronized ImageRecord save(ImageRecord image) {
		ImageRecord existing = images.get(image.id());
		ImageRecord merged = existing == null ? image
				: existing.withNames(union(existing.repoTags(), image.repoTags()),
						union(existing.repoDigests(), image.repoDigests()));
		Map<String, ImageRecord> next = new HashMap<>(images);
		for (String name : merged.names()) {
			String owner = names.get(name);
			if (owner != null && !owner.equals(merged.id())) {
				ImageRecord previous = next.get(owner);
				next.put(owner, previous.withNames(without(previous.repoTags(), name), without(previous.repoDigests(), name)));
			}
		}
		next.put(merged.id(), merged);
		tx.executeWithoutResult(status -> {
			if (existing == null) {
				jdbc.sql("""
						INSERT INTO image (id, manifest_digest, manifest_media_type, size_bytes, uid, username, pinned,
						                   pulled_from, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
					.params(merged.id(), merged.manifestDigest(), merged.manifestMediaType(), merged.size(), merged.uid(),
							merged.username(), merged.pinned(), merged.pulledFrom(), Timestamp.from(merged.createdAt()))
					.update();
				for (int i = 0; i < merged.chainIds().size(); i++) {
					jdbc.sql("INSERT INTO image_layer (image_id, position, chain_id) VALUES (?, ?, ?)")
						.params(merged.id(), i, merged.chainIds().get(i))
						.update();
				}
				List<String> roles = List.of("manifest", "config");
				for (int i = 0; i < merged.blobDigests().size(); i++) {
					jdbc.sql("MERGE INTO image_blob (image_id, digest, role) KEY (image_id, digest) VALUES (?, ?, ?)")
						.params(merged.id(), merged.blobDigests().get(i), i < roles.size() ? roles.get(i) : "other")
						.update();
				}
			}
			for (String tag : merged.repoTags()) {
				jdbc.sql("MERGE INTO image_name (name, image_id, kind) KEY (name) VALUES (?, ?, 'TAG')")
					.params(tag, merged.id())
					.update();
			}
			for (String digest : merged.repoDigests()) {
				jdbc.sql("MERGE INTO image_name (name, image_id, kind) KEY (name) VALUES (?, ?, 'DIGEST')")
					.params(digest, merged.id())
					.update();
			}
		});
		publish(next);
		return merged;
	}

	/** Forgets an image and all its names. Layers and blobs are the collector's business. */
	synchronized void delete(String id) {
		jdbc.sql("DELETE FROM image WHERE id = ?").param(id).update();
		Map<String, ImageRecord> next = new HashMap<>(images);
		next.remove(id);
		publish(next);
	}

	synchronized void deleteLayer(String chainId) {
		jdbc.sql("DELETE FROM layer WHERE chain_id = ?").param(chainId).update();
		layers.remove(chainId);
	}

	/** Chain ids and blob digests some image still needs. */
	Set<String> referencedChainIds() {
		Set<String> used = new HashSet<>();
		images.values().forEach(i -> used.addAll(i.chainIds()));
		return used;
	}

	Set<String> referencedBlobs() {
		Set<String> used = new HashSet<>();
		images.values().forEach(i -> used.addAll(i.blobDigests()));
		for (String chainId : referencedChainIds()) {
			LayerRecord layer = layers.get(chainId);
			if (layer != null) {
				used.add(layer.blobDigest());
			}
		}
		return used;
	}

	private void publish(Map<String, ImageRecord> next) {
		Map<String, String> nextNames = new HashMap<>();
		next.values().forEach(i -> i.names().forEach(n -> nextNames.put(n, i.id())));
		images = Map.copyOf(next);
		names = Map.copyOf(nextNames);
	}

	private static List<String> union(List<String> a, List<String> b) {
		List<String> out = new ArrayList<>(a);
		b.stream().filter(x -> !out.contains(x)).forEach(out::add);
		return out;
	}

	private static List<String> without(List<String> list, String name) {
		return list.stream().filter(x -> !x.equals(name)).toList();
	}

}
