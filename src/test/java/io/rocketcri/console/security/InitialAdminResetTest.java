package io.rocketcri.console.security;

import java.nio.file.Files;

import io.rocketcri.testsupport.RuntimeUnderTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;

/** rocket.console.reset-admin-password: a lost admin password comes back as a new one-time file. */
@SpringBootTest(properties = "rocket.console.reset-admin-password=true")
@AutoConfigureMockMvc
class InitialAdminResetTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("admin-reset");

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		runtime.register(registry);
	}

	@Autowired
	InitialAdmin initialAdmin;

	@Autowired
	ConsoleUsers users;

	@Autowired
	MockMvc mvc;

	@Test
	void aResetGivesAdminANewPasswordAndTheAdminRoleBack() throws Exception {
		String first = Files.readString(initialAdmin.passwordFile()).strip();
		users.setRole("admin", Role.VIEWER);
		users.changePassword("admin", "forgotten-password-1");

		initialAdmin.run();

		String second = Files.readString(initialAdmin.passwordFile()).strip();
		assertThat(second).isNotEqualTo(first);
		assertThat(users.list()).anySatisfy(u -> {
			assertThat(u.username()).isEqualTo("admin");
			assertThat(u.role()).isEqualTo(Role.ADMIN);
		});
		mvc.perform(formLogin("/login").user("admin").password("forgotten-password-1")).andExpect(redirectedUrl("/login?error"));
		mvc.perform(formLogin("/login").user("admin").password(second)).andExpect(redirectedUrl("/"));
	}

}
