package io.rocketcri.image.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketcri.config.RocketProperties;
import io.rocketcri.engine.HostOs;
import io.rocketcri.engine.LinuxHostOs;
import io.rocketcri.failure.RuntimeFailure;
import io.rocketcri.image.ImageRecord;
import io.rocketcri.store.BootStep;
import io.rocketcri.store.SchemaConfiguration;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Import;

/**
 * {@code java -jar rocket-cri.jar images import FILE|-} and {@code images export NAME FILE|-}
 * ({@code -} is stdin/stdout), with the runtime's own configuration ({@code --rocket.root=…} and the
 * rest, as the runtime reads them).
 *
 * <p>The command opens the image store itself, so it works on a node where rocket-cri is stopped,
 * and only then: the running runtime keeps its images in memory and holds the H2 database's file
 * lock, so a second writer could not be seen by it and is not let in. When the CRI socket answers or
 * the database is locked, the command refuses and says so; stop rocket-cri (containers keep running
 * without it), import, start it again. See docs/operations.md, "Air-gapped nodes".
 */
public final class ImagesCommand {

	/** H2's "Database may be already in use": another process holds the file lock. */
	private static final int H2_DATABASE_ALREADY_OPEN = 90020;

	private ImagesCommand() {
	}

	/**
	 * Only the image capability and its store: no CRI server, no web server, no boot reconciliation
	 * (which would touch pods and containers). Not a @Configuration, so the runtime's own component
	 * scan never picks it up.
	 */
	@EnableConfigurationProperties(RocketProperties.class)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
			TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class })
	@Import(SchemaConfiguration.class)
	@ComponentScan(basePackages = "io.rocketcri.image")
	static class ImagesContext {

		@Bean
		HostOs hostOs() {
			return new LinuxHostOs();
		}

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	/** @return the exit status: 0 done, 1 refused or failed, 2 usage */
	public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
		List<String> positional = Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
		String[] options = Arrays.stream(args).filter(a -> a.startsWith("--")).toArray(String[]::new);
		boolean importing = positional.size() == 2 && positional.get(0).equals("import");
		boolean exporting = positional.size() == 3 && positional.get(0).equals("export");
		if (!importing && !exporting) {
			err.println("usage: rocket-cri images import FILE|-        (ACI, OCI layout or docker save archive)");
			err.println("       rocket-cri images export NAME FILE|-   (OCI layout archive)");
			err.println("       [--rocket.root=DIR ...] as the runtime is configured; rocket-cri must be stopped");
			return 2;
		}
		List<String> springArgs = new ArrayList<>();
		// Quiet by default (flags given by the operator come later and win); nothing at all on the
		// console when the archive itself goes to stdout, or the log would corrupt it.
		springArgs.add("--logging.level.root=WARN");
		if (exporting && positional.get(2).equals("-")) {
			springArgs.add("--logging.threshold.console=OFF");
		}
		springArgs.addAll(Arrays.asList(options));
		// This small context is not the one the build's Spring AOT processing generated code for
		// (RocketCriApplication's): started with docker/jvm.options, which turns AOT on, it would
		// look for that code and fail. It is built the ordinary way instead.
		System.setProperty("spring.aot.enabled", "false");
		ConfigurableApplicationContext context;
		try {
			context = new SpringApplicationBuilder(ImagesContext.class).web(WebApplicationType.NONE)
				.bannerMode(Banner.Mode.OFF)
				.logStartupInfo(false)
				.run(springArgs.toArray(String[]::new));
		}
		catch (RuntimeException ex) {
			if (databaseInUse(ex)) {
				err.println("rocket-cri images: rocket-cri is running (its database is locked). Stop it, run this"
						+ " command, start it again; containers keep running meanwhile.");
				return 1;
			}
			throw ex;
		}
		try (context) {
			RocketProperties properties = context.getBean(RocketProperties.class);
			if (socketAnswers(properties.cri().socketPath())) {
				err.println("rocket-cri images: rocket-cri is running (its CRI socket " + properties.cri().socketPath()
						+ " answers). Stop it, run this command, start it again; containers keep running meanwhile.");
				return 1;
			}
			context.getBeansOfType(BootStep.class).values().forEach(BootStep::run);
			ImageArchives archives = context.getBean(ImageArchives.class);
			return importing ? importFile(archives, positional.get(1), stdin, out)
					: exportFile(archives, positional.get(1), positional.get(2), out, err);
		}
		catch (RuntimeFailure ex) {
			err.println("rocket-cri images: " + ex.getMessage());
			return 1;
		}
		catch (IOException ex) {
			err.println("rocket-cri images: " + ex.getMessage());
			return 1;
		}
	}

	private static int importFile(ImageArchives archives, String file, InputStream stdin, PrintStream out)
			throws IOException {
		List<ImageRecord> images;
		if (file.equals("-")) {
			images = archives.importArchive(stdin, "stdin");
		}
		else {
			try (InputStream in = Files.newInputStream(Path.of(file))) {
				images = archives.importArchive(in, Path.of(file).getFileName().toString());
			}
		}
		for (ImageRecord image : images) {
			List<String> names = new ArrayList<>(image.repoTags());
			if (names.isEmpty()) {
				names.addAll(image.repoDigests());
			}
			out.println("imported " + image.id() + " " + String.join(" ", names));
		}
		return 0;
	}

	/** Writes next to FILE and renames, so that FILE is either the whole archive or untouched. */
	private static int exportFile(ImageArchives archives, String name, String file, PrintStream out, PrintStream err)
			throws IOException {
		if (file.equals("-")) {
			archives.exportOci(name, out);
			out.flush();
			return 0;
		}
		Path target = Path.of(file).toAbsolutePath();
		Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
		try (OutputStream stream = Files.newOutputStream(partial)) {
			archives.exportOci(name, stream);
		}
		catch (RuntimeException | IOException ex) {
			Files.deleteIfExists(partial);
			throw ex;
		}
		Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		err.println("exported " + name + " to " + target);
		return 0;
	}

	private static boolean socketAnswers(Path socket) {
		if (!Files.exists(socket)) {
			return false;
		}
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			return channel.connect(UnixDomainSocketAddress.of(socket));
		}
		catch (IOException ex) {
			return false; // a stale socket file of a runtime that is gone
		}
	}

	private static boolean databaseInUse(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof java.sql.SQLException sql && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
				return true;
			}
		}
		return false;
	}

}
