package io.rocketcri.pod;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.google.protobuf.InvalidProtocolBufferException;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.failure.AlreadyExists;
import io.rocketcri.failure.NotFound;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Pod sandboxes in memory (kubelet lists them every second) and in H2 (a restart reads them).
 * Every change is written through before it becomes visible in memory.
 */
// @Component, not @Repository: JdbcClient already turns SQL errors into DataAccessException, and
// @Repository's proxy around every call (exception translation) was most of the garbage of
// kubelet's relists at 1,000 containers (JFR allocation samples).
@Component
public class PodSandboxStore {

	private final JdbcClient jdbc;

	private final ConcurrentHashMap<String, PodSandbox> pods = new ConcurrentHashMap<>();

	PodSandboxStore(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void load() {
		pods.clear();
		jdbc.sql("SELECT * FROM pod_sandbox").query(this::row).list().forEach(p -> pods.put(p.id(), p));
	}

	public Collection<PodSandbox> all() {
		return pods.values();
	}

	public Optional<PodSandbox> find(String id) {
		return Optional.ofNullable(pods.get(id));
	}

	/** Allocates nothing when found: ListContainers asks it for every running container, every second. */
	public PodSandbox get(String id) {
		PodSandbox pod = pods.get(id);
		if (pod == null) {
			throw new NotFound("pod sandbox " + id + " not found");
		}
		return pod;
	}

	public boolean contains(String id) {
		return pods.containsKey(id);
	}

	Optional<PodSandbox> byReservedName(String reservedName) {
		return pods.values().stream().filter(p -> p.reservedName().equals(reservedName)).findFirst();
	}

	/** Ids starting with {@code prefix}: crictl and operators use short ids. */
	public List<PodSandbox> byIdPrefix(String prefix) {
		return pods.values().stream().filter(p -> p.id().startsWith(prefix)).toList();
	}

	/** Reserves the pod's name by inserting its row; a second pod with the same name fails. */
	synchronized void insert(PodSandbox pod) {
		try {
			jdbc.sql("""
					INSERT INTO pod_sandbox (id, reserved_name, state, created_at, runtime_handler, config, cgroup_parent)
					VALUES (?, ?, ?, ?, ?, ?, ?)""")
				.params(pod.id(), pod.reservedName(), pod.state().name(), pod.createdAt(), pod.runtimeHandler(),
						pod.config().toByteArray(), pod.cgroupParent())
				.update();
		}
		catch (DuplicateKeyException ex) {
			throw new AlreadyExists("pod sandbox name " + pod.reservedName() + " is reserved by another sandbox", ex);
		}
		pods.put(pod.id(), pod);
	}

	synchronized PodSandbox update(PodSandbox pod) {
		jdbc.sql("""
				UPDATE pod_sandbox SET state = ?, netns_path = ?, ipc_path = ?, uts_path = ?, infra_id = ?, infra_pid = ?,
				       ips = ?, network_ready = ? WHERE id = ?""")
			.params(pod.state().name(), str(pod.netns()), str(pod.ipcns()), str(pod.utsns()), pod.infraId(),
					pod.infraPid(), String.join(",", pod.ips()), pod.networkReady(), pod.id())
			.update();
		pods.put(pod.id(), pod);
		return pod;
	}

	synchronized void delete(String id) {
		jdbc.sql("DELETE FROM pod_sandbox WHERE id = ?").param(id).update();
		pods.remove(id);
	}

	private PodSandbox row(ResultSet rs, int n) throws SQLException {
		PodSandboxConfig config;
		try {
			config = PodSandboxConfig.parseFrom(rs.getBytes("config"));
		}
		catch (InvalidProtocolBufferException ex) {
			throw new SQLException("pod sandbox " + rs.getString("id") + ": stored config unreadable", ex);
		}
		int infraPid = rs.getInt("infra_pid");
		Integer infra = rs.wasNull() ? null : infraPid;
		String ips = rs.getString("ips");
		return new PodSandbox(rs.getString("id"), rs.getString("reserved_name"),
				PodSandboxState.valueOf(rs.getString("state")), rs.getLong("created_at"), rs.getString("runtime_handler"),
				config, path(rs.getString("netns_path")), path(rs.getString("ipc_path")), path(rs.getString("uts_path")),
				rs.getString("infra_id"), infra,
				ips == null || ips.isBlank() ? List.of() : Arrays.asList(ips.split(",")), rs.getString("cgroup_parent"),
				rs.getBoolean("network_ready"));
	}

	private static String str(Path p) {
		return p == null ? null : p.toString();
	}

	private static Path path(String s) {
		return s == null ? null : Path.of(s);
	}

}
