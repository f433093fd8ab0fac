package io.rocketcri.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What rocket-cri commits to H2 is in the database file when the call returns, so a kill -9 right
 * after loses nothing. H2's MVStore by default writes commits from a background thread up to a
 * second later; the churn test found pods and containers whose last transition was lost that way.
 * The database URL is the one in application.yml, so this breaks if someone drops WRITE_DELAY=0.
 */
class DatabaseSurvivesKillTest {

	static final int ROWS = 200;

	@Test
	void committedRowsSurviveAHaltRightAfterTheCommit(@TempDir Path root) throws Exception {
		String url = configuredUrl(root);
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		Process child = new ProcessBuilder(java, "-cp", classPath, WriteThenHalt.class.getName(), url,
				Integer.toString(ROWS)).inheritIO().start();
		assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(child.exitValue()).as("the writer halted after its last commit").isEqualTo(WriteThenHalt.HALTED);
		try (Connection db = DriverManager.getConnection(url, "sa", ""); Statement s = db.createStatement();
				ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM survivor")) {
			rows.next();
			assertThat(rows.getInt(1)).as("rows committed before the halt").isEqualTo(ROWS);
		}
	}

	/** spring.datasource.url from application.yml, with rocket.root set to {@code root}. */
	static String configuredUrl(Path root) throws Exception {
		List<String> lines = Files.readAllLines(Path.of("src/main/resources/application.yml"));
		String url = lines.stream().map(String::strip).filter(l -> l.startsWith("url: jdbc:h2:")).findFirst().orElseThrow()
			.substring("url: ".length());
		return url.replaceAll("\\$\\{rocket\\.root:[^}]*}", root.toString());
	}

	/** Commits rows one by one (autocommit, as JdbcClient does), then halts: no shutdown hook, no close. */
	public static final class WriteThenHalt {

		static final int HALTED = 42;

		public static void main(String[] args) throws Exception {
			Connection db = DriverManager.getConnection(args[0], "sa", "");
			try (Statement s = db.createStatement()) {
				s.execute("CREATE TABLE survivor (id INT PRIMARY KEY, state VARCHAR(16))");
				for (int i = 0; i < Integer.parseInt(args[1]); i++) {
					s.executeUpdate("INSERT INTO survivor VALUES (" + i + ", 'CREATING')");
					s.executeUpdate("UPDATE survivor SET state = 'READY' WHERE id = " + i);
				}
			}
			Runtime.getRuntime().halt(HALTED);
		}

	}

}
