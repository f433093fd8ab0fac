package io.rocketcri.console.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import io.rocketcri.config.RocketProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.stereotype.Component;

/**
 * The first start creates the user {@code admin} with a random password and writes it to
 * {@code <rocket.root>/console/initial-admin-password} (mode 0600, directory 0700: root reads
 * it, nobody else). The log says where, never what. The file is deleted at admin's first
 * sign-in, so the password is read once; the operator then changes it (console or
 * {@code PUT /api/v1/users/me/password}).
 */
@Component
class InitialAdmin {

	private static final Logger log = LoggerFactory.getLogger(InitialAdmin.class);

	static final String USERNAME = "admin";

	private final ConsoleUsers users;

	private final Path passwordFile;

	private final boolean reset;

	/**
	 * @param reset {@code rocket.console.reset-admin-password}: start once with it set to true when
	 * the admin password is lost; admin (re-created if deleted) gets a new one the same way
	 */
	InitialAdmin(ConsoleUsers users, RocketProperties properties,
			@org.springframework.beans.factory.annotation.Value("${rocket.console.reset-admin-password:false}") boolean reset) {
		this.users = users;
		this.passwordFile = properties.root().resolve("console").resolve("initial-admin-password");
		this.reset = reset;
	}

	Path passwordFile() {
		return passwordFile;
	}

	/**
	 * After the boot sequence has opened the CRI socket to kubelet: hashing the new password costs
	 * a few hundred milliseconds of a first start, which kubelet need not wait for.
	 */
	@EventListener(ApplicationReadyEvent.class)
	@Order(Ordered.LOWEST_PRECEDENCE - 1)
	public void run() {
		if (users.count() > 0 && !reset) {
			return;
		}
		byte[] random = new byte[18];
		new SecureRandom().nextBytes(random);
		String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
		// written under another name first and renamed once the user has the password: the file
		// never names a password that does not work yet, nor is a password set that no file holds
		Path pending = passwordFile.resolveSibling(passwordFile.getFileName() + ".pending");
		try {
			Path dir = passwordFile.getParent();
			Files.createDirectories(dir);
			Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
			Files.deleteIfExists(pending);
			Files.createFile(pending, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			Files.writeString(pending, password + "\n", StandardOpenOption.TRUNCATE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("creating the console's first admin: writing " + pending, ex);
		}
		boolean exists = users.list().stream().anyMatch(u -> u.username().equals(USERNAME));
		try {
			if (exists) {
				users.changePassword(USERNAME, password);
				users.setRole(USERNAME, Role.ADMIN);
			}
			else {
				users.create(USERNAME, password, Role.ADMIN);
			}
			Files.move(pending, passwordFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("creating the console's first admin: writing " + passwordFile, ex);
		}
		finally {
			try {
				Files.deleteIfExists(pending);
			}
			catch (IOException ex) {
				log.warn("console: could not delete {}: {}", pending, ex.toString());
			}
		}
		log.warn("console: {} user '{}'. Read its password once with: sudo cat {} "
				+ "(the file is deleted at the first sign-in; change the password afterwards)",
				exists ? "reset the password of" : reset ? "re-created" : "first start, created", USERNAME, passwordFile);
	}

	@EventListener
	void on(AuthenticationSuccessEvent event) {
		if (USERNAME.equals(event.getAuthentication().getName()) && !(event.getAuthentication() instanceof BearerAuthentication)) {
			try {
				if (Files.deleteIfExists(passwordFile)) {
					log.info("console: admin signed in; deleted {}", passwordFile);
				}
			}
			catch (IOException ex) {
				log.warn("console: could not delete {} after admin's first sign-in: {}", passwordFile, ex.toString());
			}
		}
	}

}
