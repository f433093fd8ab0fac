package io.rocketcri;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** rocket-cri: a Kubernetes CRI v1 runtime that runs pods through conmon + runc. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RocketCriApplication {

	public static void main(String[] args) {
		SpringApplication.run(RocketCriApplication.class, args);
	}

}
