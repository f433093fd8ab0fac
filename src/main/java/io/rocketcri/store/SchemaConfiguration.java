package io.rocketcri.store;

import javax.sql.DataSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The schema migration, as a bean that Spring Boot orders before every JDBC client
 * ({@link SchemaMigrationsDetector}): no store sees the database before its schema is current.
 */
@Configuration(proxyBeanMethods = false)
public class SchemaConfiguration {

	@Bean
	SchemaMigrations schemaMigrations(DataSource dataSource) {
		return new SchemaMigrations(dataSource);
	}

}
