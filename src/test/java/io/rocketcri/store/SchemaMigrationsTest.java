package io.rocketcri.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.rocketcri.store.SchemaMigrations.Script;
import io.rocketcri.store.SchemaMigrations.Version;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The schema migration, against real H2 databases, and against Flyway itself for the databases
 * it migrated before SchemaMigrations replaced it.
 */
class SchemaMigrationsTest {

	private final JdbcDataSource db = database();

	private static JdbcDataSource database() {
		JdbcDataSource ds = new JdbcDataSource();
		ds.setURL("jdbc:h2:mem:schema-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
		ds.setUser("sa");
		return ds;
	}

	@Test
	void anEmptyDatabaseGetsEveryScriptWithTheHistoryFlywayWouldHaveWritten() throws SQLException {
		new SchemaMigrations(this.db).afterPropertiesSet();
		JdbcDataSource byFlyway = database();
		Flyway.configure().dataSource(byFlyway).locations("classpath:db/migration").load().migrate();

		assertThat(history(this.db)).isEqualTo(history(byFlyway)).hasSizeGreaterThanOrEqualTo(3);
		assertThat(tables(this.db)).isEqualTo(tables(byFlyway)).contains("CONTAINER", "CONSOLE_USER", "IMAGE");
	}

	@Test
	void aDatabaseFlywayMigratedCarriesOnFromWhereItStopped() throws SQLException {
		Flyway.configure().dataSource(this.db).locations("classpath:db/migration").target("2").load().migrate();
		assertThat(tables(this.db)).doesNotContain("CONSOLE_USER");

		new SchemaMigrations(this.db).afterPropertiesSet();
		assertThat(tables(this.db)).contains("CONSOLE_USER");
		List<String> once = history(this.db);
		new SchemaMigrations(this.db).afterPropertiesSet(); // nothing left to do
		assertThat(history(this.db)).isEqualTo(once);
		// and Flyway, in turn, finds nothing to complain about in what was recorded
		assertThat(Flyway.configure().dataSource(this.db).locations("classpath:db/migration").load().validateWithResult()
			.validationSuccessful).isTrue();
	}

	@Test
	void aScriptChangedAfterItWasAppliedStopsTheStartNamingIt() {
		List<Script> scripts = SchemaMigrations.scripts();
		SchemaMigrations.migrate(this.db, scripts);
		List<Script> edited = new ArrayList<>(scripts);
		Script second = edited.get(1);
		edited.set(1, new Script(second.version(), second.description(), second.fileName(),
				second.sql() + "\n-- edited\n"));

		assertThatIllegalStateException().isThrownBy(() -> SchemaMigrations.migrate(this.db, edited))
			.withMessageContaining(second.fileName())
			.withMessageContaining("changed after it was applied");
	}

	@Test
	void aFailingScriptIsRecordedAndTheNextStartRefusesToRunOverWhatItLeft() throws SQLException {
		List<Script> scripts = new ArrayList<>(SchemaMigrations.scripts());
		scripts.add(new Script(Version.parse("900"), "broken", "V900__broken.sql",
				"CREATE TABLE half_done (id INT);\nCREATE TABLE oops (id NOT_A_TYPE);"));

		assertThatIllegalStateException().isThrownBy(() -> SchemaMigrations.migrate(this.db, scripts))
			.withMessageContaining("V900__broken.sql");
		assertThat(history(this.db)).last().asString().contains("900", "false");
		assertThatIllegalStateException().isThrownBy(() -> SchemaMigrations.migrate(this.db, scripts))
			.withMessageContaining("V900__broken.sql")
			.withMessageContaining("failed earlier");
	}

	@Test
	void aDatabaseFromANewerReleaseIsAcceptedAsADowngrade() throws SQLException {
		List<Script> newer = new ArrayList<>(SchemaMigrations.scripts());
		newer.add(new Script(Version.parse("900"), "later", "V900__later.sql", "CREATE TABLE later (id INT);"));
		SchemaMigrations.migrate(this.db, newer);

		new SchemaMigrations(this.db).afterPropertiesSet();
		assertThat(tables(this.db)).contains("LATER");
	}

	@Test
	void aScriptOlderThanTheSchemaButNeverAppliedStopsTheStart() {
		List<Script> scripts = SchemaMigrations.scripts();
		List<Script> withoutSecond = new ArrayList<>(scripts);
		Script second = withoutSecond.remove(1);
		SchemaMigrations.migrate(this.db, withoutSecond.subList(0, 1));
		SchemaMigrations.migrate(this.db,
				List.of(withoutSecond.get(0), new Script(Version.parse("900"), "x", "V900__x.sql", "SELECT 1;")));

		assertThatIllegalStateException()
			.isThrownBy(() -> SchemaMigrations.migrate(this.db, List.of(scripts.get(0), second,
					new Script(Version.parse("900"), "x", "V900__x.sql", "SELECT 1;"))))
			.withMessageContaining(second.fileName())
			.withMessageContaining("never applied");
	}

	@Test
	void versionsCompareAsNumbers() {
		assertThat(Version.parse("1.10")).isGreaterThan(Version.parse("1.9"));
		assertThat(Version.parse("2")).isEqualTo(Version.parse("2.0")).isGreaterThan(Version.parse("1.99"));
		assertThat(Version.parse("1_1")).isEqualTo(Version.parse("1.1"));
	}

	/** The versioned rows as text, without times and who ran them. */
	private static List<String> history(JdbcDataSource ds) throws SQLException {
		List<String> rows = new ArrayList<>();
		try (Connection c = ds.getConnection(); Statement s = c.createStatement();
				ResultSet r = s.executeQuery("SELECT \"installed_rank\", \"version\", \"description\", \"type\", "
						+ "\"script\", \"checksum\", \"installed_by\", \"success\" FROM " + SchemaMigrations.HISTORY
						+ " WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
			while (r.next()) {
				rows.add(String.join(" | ", r.getString(1), r.getString(2), r.getString(3), r.getString(4),
						r.getString(5), r.getString(6), r.getString(7), r.getString(8)).toLowerCase());
			}
		}
		return rows;
	}

	private static List<String> tables(JdbcDataSource ds) throws SQLException {
		List<String> names = new ArrayList<>();
		try (Connection c = ds.getConnection(); Statement s = c.createStatement();
				ResultSet r = s.executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
						+ "WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME <> 'flyway_schema_history' ORDER BY TABLE_NAME")) {
			while (r.next()) {
				names.add(r.getString(1));
			}
		}
		return names;
	}

}
