package io.rocketcri.container;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.google.protobuf.InvalidProtocolBufferException;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.failure.AlreadyExists;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Containers in memory for kubelet's frequent lists, written through to H2 on every change. */
// @Component, not @Repository: JdbcClient already turns SQL errors into DataAccessException, and
// @Repository's proxy around every call (exception translation) was most of the garbage of
// kubelet's relists at 1,000 containers (JFR allocation samples).
@Component
class ContainerStore {

	private final JdbcClient jdbc;

	private final ConcurrentHashMap<String, Container> containers = new ConcurrentHashMap<>();

	ContainerStore(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void load() {
		idsByCreation = null;
		containers.clear();
		jdbc.sql("SELECT * FROM container").query(this::row).list().forEach(c -> containers.put(c.id(), c));
	}

	Collection<Container> all() {
		return containers.values();
	}

	/** Ids in creation order; made again after an insert or a delete, not on each relist. */
	private volatile List<String> idsByCreation;

	/**
	 * Every container, oldest first, as ListContainers answers: sorting 1,000 records on each of
	 * kubelet's relists was a quarter of the call's CPU (JFR). Updates keep a container's place. A new
	 * list on each call, which the caller may change.
	 */
	List<Container> allByCreation() {
		List<String> ids = idsByCreation;
		if (ids == null) {
			synchronized (this) {
				ids = containers.values()
					.stream()
					.sorted(Comparator.comparingLong(Container::createdAt).thenComparing(Container::id))
					.map(Container::id)
					.toList();
				idsByCreation = ids;
			}
		}
		List<Container> ordered = new ArrayList<>(ids.size());
		for (String id : ids) {
			Container c = containers.get(id);
			if (c != null) {
				ordered.add(c); // null: deleted since the ids were taken
			}
		}
		return ordered;
	}

	Optional<Container> find(String id) {
		return Optional.ofNullable(containers.get(id));
	}

	List<Container> byIdPrefix(String prefix) {
		return containers.values().stream().filter(c -> c.id().startsWith(prefix)).toList();
	}

	List<Container> ofPod(String podId) {
		return containers.values().stream().filter(c -> c.podId().equals(podId)).toList();
	}

	Optional<Container> byReservedName(String name) {
		return containers.values().stream().filter(c -> c.reservedName().equals(name)).findFirst();
	}

	synchronized void insert(Container c) {
		try {
			jdbc.sql("""
					INSERT INTO container (id, pod_id, reserved_name, state, created_at, image_id, image_name, chain_ids,
					                       config, log_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
				.params(c.id(), c.podId(), c.reservedName(), c.state().name(), c.createdAt(), c.imageId(), c.imageName(),
						String.join(",", c.chainIds()), c.config().toByteArray(),
						c.logPath() == null ? null : c.logPath().toString())
				.update();
		}
		catch (DuplicateKeyException ex) {
			throw new AlreadyExists("container name " + c.reservedName() + " is reserved by another container", ex);
		}
		containers.put(c.id(), c);
		idsByCreation = null;
	}

	synchronized Container update(Container c) {
		jdbc.sql("""
				UPDATE container SET state = ?, started_at = ?, finished_at = ?, exit_code = ?, reason = ?, message = ?,
				       pid = ? WHERE id = ?""")
			.params(c.state().name(), c.startedAt(), c.finishedAt(), c.exitCode(), c.reason(), c.message(), c.pid(), c.id())
			.update();
		containers.put(c.id(), c);
		return c;
	}

	synchronized void delete(String id) {
		jdbc.sql("DELETE FROM container WHERE id = ?").param(id).update();
		containers.remove(id);
		idsByCreation = null;
	}

	private Container row(ResultSet rs, int n) throws SQLException {
		ContainerConfig config;
		try {
			config = ContainerConfig.parseFrom(rs.getBytes("config"));
		}
		catch (InvalidProtocolBufferException ex) {
			throw new SQLException("container " + rs.getString("id") + ": stored config unreadable", ex);
		}
		String chains = rs.getString("chain_ids");
		String log = rs.getString("log_path");
		return new Container(rs.getString("id"), rs.getString("pod_id"), rs.getString("reserved_name"),
				ContainerState.valueOf(rs.getString("state")), rs.getLong("created_at"), rs.getLong("started_at"),
				rs.getLong("finished_at"), rs.getInt("exit_code"), rs.getString("reason"), rs.getString("message"),
				rs.getString("image_id"), rs.getString("image_name"),
				chains.isBlank() ? List.of() : Arrays.asList(chains.split(",")), config, log == null ? null : Path.of(log),
				rs.getInt("pid"));
	}

}
