package io.rocketcri.console.api;

import java.util.List;

import io.rocketcri.console.security.ConsoleUser;
import io.rocketcri.console.security.ConsoleUsers;
import io.rocketcri.console.security.Role;
import io.rocketcri.failure.InvalidArgument;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/users}: console users (admin, signed in), and {@code /api/v1/users/me} for
 * anyone signed in to see themselves and change their own password.
 */
@RestController
@RequestMapping("/api/v1/users")
class UsersController {

	private final ConsoleUsers users;

	UsersController(ConsoleUsers users) {
		this.users = users;
	}

	record CreateUserRequest(String username, String password, String role) {
	}

	record PasswordRequest(String password) {
	}

	record Me(String username, List<String> roles) {
	}

	@GetMapping
	List<ConsoleUser> list() {
		return users.list();
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	ConsoleUser create(@RequestBody CreateUserRequest request) {
		Role role = Role.parse(request.role());
		if (role == null) {
			throw new InvalidArgument("role: must be viewer or admin, got " + request.role());
		}
		return users.create(request.username(), request.password(), role);
	}

	@DeleteMapping("/{username}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String username) {
		users.delete(username);
	}

	@GetMapping("/me")
	Me me(Authentication who) {
		// Spring Security 7 adds FACTOR_* authorities (how one signed in); callers want roles
		return new Me(who.getName(), who.getAuthorities()
			.stream()
			.map(a -> a.getAuthority())
			.filter(a -> a.startsWith("ROLE_"))
			.map(a -> a.substring("ROLE_".length()))
			.sorted()
			.toList());
	}

	@PutMapping("/me/password")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void changeOwnPassword(@RequestBody PasswordRequest request, Authentication who) {
		if (who.getName().startsWith("token:")) {
			throw new InvalidArgument("an API token has no password; sign in to the console as the user");
		}
		users.changePassword(who.getName(), request.password());
	}

}
