package io.rocketcri.node;

import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Settings kubelet pushes at run time, kept in H2 so that a restart still knows them. */
// @Component, not @Repository: JdbcClient already turns SQL errors into DataAccessException, and
// @Repository's proxy around every call (exception translation) was most of the garbage of
// kubelet's relists at 1,000 containers (JFR allocation samples).
@Component
class RuntimeSettings {

	static final String POD_CIDR = "pod-cidr";

	private final JdbcClient jdbc;

	RuntimeSettings(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	Optional<String> get(String name) {
		return jdbc.sql("SELECT setting_value FROM runtime_setting WHERE name = ?").param(name).query(String.class).optional();
	}

	void put(String name, String value) {
		jdbc.sql("MERGE INTO runtime_setting (name, setting_value) KEY (name) VALUES (?, ?)").params(name, value).update();
	}

}
