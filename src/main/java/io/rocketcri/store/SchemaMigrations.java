package io.rocketcri.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Brings the H2 schema up to date before any store reads it: applies, in version order, the
 * scripts {@code db/migration/V<version>__<description>.sql} that the database has not seen.
 *
 * <p>
 * Until 0.1 Flyway did this. Its history table, {@code flyway_schema_history}, is kept as it is,
 * with the same rows and checksums, so a node whose database Flyway migrated carries on (and
 * {@code SchemaMigrationsTest} proves it against Flyway itself). Flyway was some 500 classes and
 * 3.5 MiB of resident memory on every node for three scripts that only ever run in order.
 *
 * <p>
 * The rules are Flyway's defaults, the ones that keep a node's state safe:
 * <ul>
 * <li>a script changed after it was applied (checksum differs) stops the start, naming it: a
 * schema that no longer matches its scripts would be guessed at by every store;</li>
 * <li>a migration recorded as failed stops the start: H2 commits DDL as it goes, so a half-applied
 * script needs a person;</li>
 * <li>versions newer than this build's scripts (a downgrade) are accepted with a warning, as Flyway
 * does, since scripts only add;</li>
 * <li>a script older than the newest applied one but never applied stops the start.</li>
 * </ul>
 */
public final class SchemaMigrations implements InitializingBean {

	private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);

	/** Where the scripts live, on the class path. */
	public static final String LOCATION = "classpath*:db/migration/V*__*.sql";

	private static final Pattern SCRIPT_NAME = Pattern.compile("V(\\d+(?:[._]\\d+)*)__(.+)\\.sql");

	static final String HISTORY = "\"flyway_schema_history\"";

	private final DataSource dataSource;

	public SchemaMigrations(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	@Override
	public void afterPropertiesSet() {
		migrate(this.dataSource, scripts());
	}

	/** A script of db/migration, read whole. */
	record Script(Version version, String description, String fileName, String sql) {

		/** Flyway's checksum: CRC-32 over the UTF-8 bytes of each line without its line break, BOM dropped. */
		int checksum() {
			CRC32 crc = new CRC32();
			String text = this.sql.startsWith("\uFEFF") ? this.sql.substring(1) : this.sql;
			try (BufferedReader lines = new BufferedReader(new java.io.StringReader(text))) {
				for (String line = lines.readLine(); line != null; line = lines.readLine()) {
					crc.update(line.getBytes(StandardCharsets.UTF_8));
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex); // a StringReader does not fail
			}
			return (int) crc.getValue();
		}

	}

	/** A dotted version, compared part by part as numbers ("1.10" after "1.9"). */
	record Version(String text, List<Long> parts) implements Comparable<Version> {

		static Version parse(String text) {
			String canonical = text.replace('_', '.');
			List<Long> parts = new ArrayList<>();
			for (String part : canonical.split("\\.")) {
				parts.add(Long.parseLong(part));
			}
			while (parts.size() > 1 && parts.getLast() == 0) {
				parts.removeLast(); // 1.0 is 1
			}
			return new Version(canonical, List.copyOf(parts));
		}

		@Override
		public int compareTo(Version other) {
			for (int i = 0; i < Math.max(this.parts.size(), other.parts.size()); i++) {
				long a = (i < this.parts.size()) ? this.parts.get(i) : 0;
				long b = (i < other.parts.size()) ? other.parts.get(i) : 0;
				if (a != b) {
					return Long.compare(a, b);
				}
			}
			return 0;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Version v && compareTo(v) == 0;
		}

		@Override
		public int hashCode() {
			return this.parts.hashCode();
		}

		@Override
		public String toString() {
			return this.text;
		}

	}

	/** The scripts this build carries, by version. */
	static List<Script> scripts() {
		try {
			List<Script> scripts = new ArrayList<>();
			for (Resource resource : new PathMatchingResourcePatternResolver().getResources(LOCATION)) {
				String name = resource.getFilename();
				Matcher m = (name != null) ? SCRIPT_NAME.matcher(name) : null;
				if (m == null || !m.matches()) {
					throw new IllegalStateException("migration script " + name + " is not named V<version>__<description>.sql");
				}
				String sql = new String(resource.getContentAsByteArray(), StandardCharsets.UTF_8);
				scripts.add(new Script(Version.parse(m.group(1)), m.group(2).replace('_', ' '), name, sql));
			}
			return sorted(scripts);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("reading the schema migration scripts (" + LOCATION + ")", ex);
		}
	}

	private static List<Script> sorted(List<Script> scripts) {
		List<Script> copy = new ArrayList<>(scripts);
		copy.sort(Comparator.comparing(Script::version));
		for (int i = 1; i < copy.size(); i++) {
			if (copy.get(i).version().equals(copy.get(i - 1).version())) {
				throw new IllegalStateException("two migration scripts have version " + copy.get(i).version() + ": "
						+ copy.get(i - 1).fileName() + " and " + copy.get(i).fileName());
			}
		}
		return copy;
	}

	/** A versioned row of the history table. */
	private record Applied(int rank, Version version, String script, Integer checksum, boolean success) {
	}

	/**
	 * Applies what {@code scripts} has beyond the database's history, after checking the history
	 * against them.
	 */
	static void migrate(DataSource dataSource, List<Script> scripts) {
		long start = System.nanoTime();
		List<Script> ordered = sorted(scripts);
		try (Connection connection = dataSource.getConnection()) {
			boolean autoCommit = connection.getAutoCommit();
			try {
				connection.setAutoCommit(true);
				createHistoryTable(connection);
				List<Applied> history = history(connection);
				List<Script> pending = pending(ordered, history);
				int rank = history.stream().mapToInt(Applied::rank).max().orElse(0);
				for (Script script : pending) {
					apply(connection, script, ++rank);
				}
				Version current = pending.isEmpty() ? newest(history) : pending.getLast().version();
				long ms = (System.nanoTime() - start) / 1_000_000;
				if (pending.isEmpty()) {
					log.debug("Schema is up to date at version {} ({} ms)", current, ms);
				}
				else {
					log.info("Schema migrated to version {}: applied {} in {} ms", current,
							pending.stream().map(Script::fileName).toList(), ms);
				}
			}
			finally {
				connection.setAutoCommit(autoCommit);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("migrating the database schema: " + ex.getMessage(), ex);
		}
	}

	private static Version newest(List<Applied> history) {
		return history.stream().map(Applied::version).max(Comparator.naturalOrder()).orElse(null);
	}

	private static void createHistoryTable(Connection connection) throws SQLException {
		try (Statement s = connection.createStatement()) {
			// the table Flyway 12 creates on H2, column for column
			s.execute("CREATE TABLE IF NOT EXISTS " + HISTORY + " (\"installed_rank\" INT NOT NULL, "
					+ "\"version\" VARCHAR(50), \"description\" VARCHAR(200) NOT NULL, \"type\" VARCHAR(20) NOT NULL, "
					+ "\"script\" VARCHAR(1000) NOT NULL, \"checksum\" INT, \"installed_by\" VARCHAR(100) NOT NULL, "
					+ "\"installed_on\" TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, "
					+ "\"execution_time\" INT NOT NULL, \"success\" BOOLEAN NOT NULL, "
					+ "CONSTRAINT \"flyway_schema_history_pk\" PRIMARY KEY (\"installed_rank\"))");
			s.execute("CREATE INDEX IF NOT EXISTS \"flyway_schema_history_s_idx\" ON " + HISTORY + " (\"success\")");
		}
	}

	/** The versioned rows; Flyway's markers (table created, schema created) have no version. */
	private static List<Applied> history(Connection connection) throws SQLException {
		List<Applied> rows = new ArrayList<>();
		try (Statement s = connection.createStatement();
				ResultSet r = s.executeQuery("SELECT \"installed_rank\", \"version\", \"script\", \"checksum\", "
						+ "\"success\" FROM " + HISTORY + " WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
			while (r.next()) {
				int checksum = r.getInt(4);
				rows.add(new Applied(r.getInt(1), Version.parse(r.getString(2)), r.getString(3),
						r.wasNull() ? null : checksum, r.getBoolean(5)));
			}
		}
		return rows;
	}

	/** What to apply, in order; refuses a history these scripts cannot safely continue. */
	private static List<Script> pending(List<Script> scripts, List<Applied> history) {
		Map<Version, Script> byVersion = new TreeMap<>();
		scripts.forEach(s -> byVersion.put(s.version(), s));
		Version newestLocal = scripts.isEmpty() ? null : scripts.getLast().version();
		Version newestApplied = null;
		for (Applied applied : history) {
			if (!applied.success()) {
				throw new IllegalStateException("migration " + applied.script() + " (version " + applied.version()
						+ ") failed earlier and may be half applied; restore the database from a backup or repair "
						+ "it by hand and delete its row from flyway_schema_history");
			}
			Script local = byVersion.get(applied.version());
			if (local == null) {
				if (newestLocal == null || applied.version().compareTo(newestLocal) > 0) {
					log.warn("The database has schema version {} ({}), newer than this rocket-cri's scripts; "
							+ "carrying on as rocket-cri was downgraded", applied.version(), applied.script());
					continue;
				}
				throw new IllegalStateException("the database has migration " + applied.script() + " (version "
						+ applied.version() + ") that this rocket-cri does not have");
			}
			if (applied.checksum() != null && applied.checksum() != local.checksum()) {
				throw new IllegalStateException("db/migration/" + local.fileName() + " was changed after it was applied "
						+ "to this database (checksum " + local.checksum() + ", recorded " + applied.checksum()
						+ "); a schema must only change through a new script");
			}
			if (newestApplied == null || applied.version().compareTo(newestApplied) > 0) {
				newestApplied = applied.version();
			}
		}
		List<Script> pending = new ArrayList<>();
		for (Script script : scripts) {
			boolean applied = history.stream().anyMatch(a -> a.version().equals(script.version()));
			if (applied) {
				continue;
			}
			if (newestApplied != null && script.version().compareTo(newestApplied) < 0) {
				throw new IllegalStateException("db/migration/" + script.fileName() + " is older than the database's "
						+ "schema version " + newestApplied + " but was never applied to it");
			}
			pending.add(script);
		}
		return pending;
	}

	private static void apply(Connection connection, Script script, int rank) throws SQLException {
		long start = System.nanoTime();
		connection.setAutoCommit(false);
		try (Statement s = connection.createStatement()) {
			s.execute(script.sql()); // H2 runs a script of ';'-separated statements as one command list
			record(connection, script, rank, (int) ((System.nanoTime() - start) / 1_000_000), true);
			connection.commit();
		}
		catch (SQLException ex) {
			connection.rollback();
			connection.setAutoCommit(true);
			// H2 commits DDL as it runs, so part of the script may be in: say so at the next start
			// rather than run it again over what it left
			try {
				record(connection, script, rank, 0, false);
			}
			catch (SQLException unrecorded) {
				ex.addSuppressed(unrecorded);
			}
			throw new SQLException("applying db/migration/" + script.fileName() + ": " + ex.getMessage(),
					ex.getSQLState(), ex.getErrorCode(), ex);
		}
		finally {
			connection.setAutoCommit(true);
		}
	}

	/** A row of the history table, as Flyway writes it for a versioned SQL migration. */
	private static void record(Connection connection, Script script, int rank, int executionMs, boolean success)
			throws SQLException {
		try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + HISTORY
				+ " (\"installed_rank\", \"version\", \"description\", \"type\", \"script\", \"checksum\", "
				+ "\"installed_by\", \"execution_time\", \"success\") VALUES (?, ?, ?, 'SQL', ?, ?, USER(), ?, ?)")) {
			insert.setInt(1, rank);
			insert.setString(2, script.version().text());
			insert.setString(3, script.description());
			insert.setString(4, script.fileName());
			insert.setInt(5, script.checksum());
			insert.setInt(6, executionMs);
			insert.setBoolean(7, success);
			insert.executeUpdate();
		}
	}

}
