package io.rocketcri.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;

import io.rocketcri.image.registry.RegistriesConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registries.conf an operator maintains, re-read when its modification time changes: adding
 * a mirror must not need a runtime restart (and with it a kubelet hiccup). A file that no longer
 * parses keeps the last good configuration in force and logs why, rather than failing every pull.
 */
final class ReloadingRegistriesConfig implements Supplier<RegistriesConfig> {

	private static final Logger log = LoggerFactory.getLogger(ReloadingRegistriesConfig.class);

	private final Path file;

	/** Guarded by this. */
	private FileTime loadedAt;

	/** Guarded by this. */
	private RegistriesConfig current;

	ReloadingRegistriesConfig(Path file) {
		this.file = file;
	}

	@Override
	public synchronized RegistriesConfig get() {
		FileTime modified = modified();
		if (current == null || !java.util.Objects.equals(modified, loadedAt)) {
			try {
				current = modified == null ? RegistriesConfig.empty() : RegistriesConfig.load(file);
				if (loadedAt != null || modified != null) {
					log.info("registries configuration {} {}", file, modified == null ? "absent: pulling directly" : "loaded");
				}
			}
			catch (RuntimeException ex) {
				if (current == null) {
					throw ex;
				}
				log.error("registries configuration {} is invalid, keeping the previous one: {}", file, ex.getMessage());
			}
			loadedAt = modified;
		}
		return current;
	}

	private FileTime modified() {
		try {
			return Files.getLastModifiedTime(file);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			return null;
		}
	}

}
