package io.rocketcri.console.security;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import io.rocketcri.failure.AlreadyExists;
import io.rocketcri.failure.FailedPrecondition;
import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.failure.NotFound;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/**
 * The console's users, kept in H2 with bcrypt password hashes. Also the
 * {@link UserDetailsService} behind form login, which is where a throttled name is reported as
 * locked.
 */
@Service
public class ConsoleUsers implements UserDetailsService {

	/** Short, shell- and URL-safe names: they appear in audit lines and paths. */
	private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

	/** NIST 800-63B asks for at least 8; a node console that can exec as root deserves more. */
	static final int MIN_PASSWORD_LENGTH = 12;

	private final JdbcClient jdbc;

	private final PasswordEncoder encoder;

	private final LoginThrottle throttle;

	ConsoleUsers(JdbcClient jdbc, PasswordEncoder encoder, LoginThrottle throttle) {
		this.jdbc = jdbc;
		this.encoder = encoder;
		this.throttle = throttle;
	}

	/** Creates a user; AlreadyExists when the name is taken, InvalidArgument naming the field. */
	public ConsoleUser create(String username, String rawPassword, Role role) {
		checkUsername(username);
		checkPassword(rawPassword);
		if (role == null) {
			throw new InvalidArgument("creating console user " + username + ": role must be viewer or admin");
		}
		Instant now = Instant.now();
		try {
			jdbc.sql("INSERT INTO console_user (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)")
				.params(username, encoder.encode(rawPassword), role.name(), now.toEpochMilli())
				.update();
		}
		catch (DuplicateKeyException ex) {
			throw new AlreadyExists("creating console user " + username + ": the name is taken");
		}
		return new ConsoleUser(username, role, Instant.ofEpochMilli(now.toEpochMilli()));
	}

	public List<ConsoleUser> list() {
		return jdbc.sql("SELECT username, role, created_at FROM console_user ORDER BY username")
			.query((rs, n) -> new ConsoleUser(rs.getString(1), Role.valueOf(rs.getString(2)),
					Instant.ofEpochMilli(rs.getLong(3))))
			.list();
	}

	public long count() {
		return jdbc.sql("SELECT COUNT(*) FROM console_user").query(Long.class).single();
	}

	/** Replaces a password; NotFound for an unknown user. */
	public void changePassword(String username, String rawPassword) {
		checkPassword(rawPassword);
		int rows = jdbc.sql("UPDATE console_user SET password_hash = ? WHERE username = ?")
			.params(encoder.encode(rawPassword), username)
			.update();
		if (rows == 0) {
			throw new NotFound("changing the password of console user " + username + ": no such user");
		}
	}

	/** Gives a user another role; NotFound for an unknown user. */
	public void setRole(String username, Role role) {
		if (jdbc.sql("UPDATE console_user SET role = ? WHERE username = ?").params(role.name(), username).update() == 0) {
			throw new NotFound("changing the role of console user " + username + ": no such user");
		}
	}

	/**
	 * Deletes a user. The last admin cannot go: nobody could manage the console afterwards
	 * without editing the database by hand.
	 */
	public synchronized void delete(String username) {
		Role role = jdbc.sql("SELECT role FROM console_user WHERE username = ?")
			.param(username)
			.query((rs, n) -> Role.valueOf(rs.getString(1)))
			.optional()
			.orElseThrow(() -> new NotFound("deleting console user " + username + ": no such user"));
		if (role == Role.ADMIN && jdbc.sql("SELECT COUNT(*) FROM console_user WHERE role = 'ADMIN'")
			.query(Long.class)
			.single() == 1) {
			throw new FailedPrecondition("deleting console user " + username + ": it is the last admin");
		}
		jdbc.sql("DELETE FROM console_user WHERE username = ?").param(username).update();
	}

	@Override
	public UserDetails loadUserByUsername(String username) {
		return jdbc.sql("SELECT username, password_hash, role FROM console_user WHERE username = ?")
			.param(username)
			.query((rs, n) -> User.withUsername(rs.getString(1))
				.password(rs.getString(2))
				.authorities(Role.valueOf(rs.getString(3)).authorities())
				.accountLocked(throttle.isLocked(username))
				.build())
			.optional()
			.orElseThrow(() -> new UsernameNotFoundException("no console user " + username));
	}

	private static void checkUsername(String username) {
		if (username == null || !USERNAME.matcher(username).matches()) {
			throw new InvalidArgument("username must be 1-64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
		}
	}

	private static void checkPassword(String rawPassword) {
		if (rawPassword == null || rawPassword.length() < MIN_PASSWORD_LENGTH) {
			throw new InvalidArgument("password must be at least " + MIN_PASSWORD_LENGTH + " characters");
		}
		if (rawPassword.length() > 72) {
			// bcrypt ignores everything past 72 bytes; refuse rather than silently truncate
			throw new InvalidArgument("password must be at most 72 characters");
		}
	}

}
