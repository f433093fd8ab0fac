package io.rocketcri.node.doctor;

import java.io.PrintStream;
import java.util.List;

import io.rocketcri.config.RocketProperties;
import io.rocketcri.engine.CommandRunner;
import io.rocketcri.engine.ExecutableLocator;
import io.rocketcri.engine.HostProbe;
import io.rocketcri.engine.LinuxHostOs;
import io.rocketcri.engine.ProcessCommandRunner;
import io.rocketcri.network.CniPodNetwork;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * {@code java -jar rocket-cri.jar doctor [--rocket.*=…]}: the preflight, printed with a fix for
 * each problem; exit status 1 when the node cannot run pods. Reads configuration exactly as the
 * runtime does (/etc/rocket-cri/application.yml, flags, ROCKET_* variables) but starts nothing.
 */
public final class DoctorCommand {

	private DoctorCommand() {
	}

	/** Just the configuration binding: no servers, no database. */
	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(RocketProperties.class)
	static class DoctorContext {

	}

	public static int run(String[] args, PrintStream out) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(DoctorContext.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("logging.level.root=WARN")
			.run(args)) {
			RocketProperties properties = context.getBean(RocketProperties.class);
			Environment env = context.getEnvironment();
			CommandRunner runner = new ProcessCommandRunner();
			HostProbe probe = new HostProbe(runner, new ExecutableLocator(properties.network().cniPluginDirs()),
					new LinuxHostOs());
			NodeDoctor doctor = new NodeDoctor(properties, probe,
					new CniPodNetwork(properties.network().cniConfigDir(), properties.network().cniPluginDirs(),
							properties.root().resolve("cni/results"), runner),
					env.getProperty("server.address", "127.0.0.1"), env.getProperty("server.port", Integer.class, 8780));
			List<Finding> findings = doctor.examine(false);
			print(findings, out);
			boolean ok = NodeDoctor.canRunPods(findings);
			out.println(ok ? "\nThis node can run pods with rocket-cri." : "\nThis node cannot run pods yet: fix the FAIL lines above.");
			return ok ? 0 : 1;
		}
	}

	static void print(List<Finding> findings, PrintStream out) {
		for (Finding f : findings) {
			out.printf("%-4s  %-12s %s%n", f.level(), f.check(), f.detail());
			if (!f.fix().isEmpty() && f.level() != Finding.Level.OK) {
				out.printf("      %-12s fix: %s%n", "", f.fix());
			}
		}
	}

}
