package io.rocketcri.store;

import java.util.Set;

import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;

/**
 * Tells Spring Boot that {@link SchemaMigrations} initializes the database, so that JdbcTemplate,
 * JdbcClient and whatever else uses the database are created after it (registered in
 * META-INF/spring.factories, as Boot's own initializers are).
 */
public class SchemaMigrationsDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

	@Override
	protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
		return Set.of(SchemaMigrations.class);
	}

}
