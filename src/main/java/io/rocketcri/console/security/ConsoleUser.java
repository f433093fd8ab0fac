package io.rocketcri.console.security;

import java.time.Instant;

/** A person who signs in to the console (the password hash never leaves {@link ConsoleUsers}). */
public record ConsoleUser(String username, Role role, Instant createdTime) {
}
