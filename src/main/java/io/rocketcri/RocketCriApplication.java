package io.rocketcri;

import io.rocketcri.image.archive.ImagesCommand;
import io.rocketcri.node.doctor.DoctorCommand;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** rocket-cri: a Kubernetes CRI v1 runtime that runs pods through conmon + runc. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RocketCriApplication {

	public static void main(String[] args) {
		if (args.length > 0 && args[0].equals("doctor")) {
			System.exit(DoctorCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out));
		}
		if (args.length > 0 && args[0].equals("images")) {
			System.exit(ImagesCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.in, System.out,
					System.err));
		}
		SpringApplication.run(RocketCriApplication.class, args);
	}

}
