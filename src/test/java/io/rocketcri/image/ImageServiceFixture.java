package io.rocketcri.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketcri.engine.FakeHostOs;
import io.rocketcri.image.content.ContentStore;
import io.rocketcri.image.snapshot.LayerUnpacker;
import io.rocketcri.image.snapshot.SnapshotStore;
import io.rocketcri.store.SchemaMigrations;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A real {@link ImageService} over a private in-memory H2 (migrated as the runtime does it), a content store
 * and snapshots under {@code root}, and a {@link FakeHostOs} unpacker (no root needed). No registry:
 * for images committed through {@link ImageService#commit}. Also tells what is on disk, for tests
 * asserting that nothing was stored.
 */
public final class ImageServiceFixture {

	private final Path root;

	private final ImageStore store;

	private final ContentStore content;

	private final SnapshotStore snapshots;

	private final ImageService service;

	public ImageServiceFixture(Path root) throws IOException {
		this.root = root;
		DataSource ds = new SimpleDriverDataSource(new org.h2.Driver(),
				"jdbc:h2:mem:images-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
		new SchemaMigrations(ds).afterPropertiesSet();
		this.store = new ImageStore(JdbcClient.create(ds), new TransactionTemplate(new DataSourceTransactionManager(ds)));
		this.store.load();
		this.content = new ContentStore(root.resolve("content"));
		this.snapshots = new SnapshotStore(root);
		LayerLeases leases = new LayerLeases();
		ImagePuller puller = new ImagePuller(null, this.content, this.snapshots, new LayerUnpacker(new FakeHostOs()),
				this.store, leases, 2, new SimpleMeterRegistry());
		this.service = new ImageService(this.store, puller, this.content, this.snapshots, leases,
				new StaticListableBeanFactory().getBeanProvider(LayerUsers.class));
	}

	public ImageService service() {
		return this.service;
	}

	public ContentStore content() {
		return this.content;
	}

	public SnapshotStore snapshots() {
		return this.snapshots;
	}

	public Path root() {
		return this.root;
	}

	/**
	 * Everything stored: image ids, layer chain ids, blob digests, and the files under the
	 * snapshot root and the content store's ingest directory (half-written leftovers).
	 */
	public List<String> stored() throws IOException {
		List<String> out = new java.util.ArrayList<>();
		this.store.all().forEach(i -> out.add("image " + i.id()));
		this.store.layers().forEach(l -> out.add("layer " + l.chainId()));
		this.content.list().forEach(d -> out.add("blob " + d));
		out.addAll(files(this.snapshots.root()));
		out.addAll(files(this.root.resolve("content/ingest")));
		return out;
	}

	private static List<String> files(Path dir) throws IOException {
		if (!Files.isDirectory(dir)) {
			return List.of();
		}
		try (Stream<Path> list = Files.list(dir)) {
			return list.map(p -> "file " + p).toList();
		}
	}

}
