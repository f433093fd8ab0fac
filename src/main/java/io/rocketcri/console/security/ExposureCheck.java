package io.rocketcri.console.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The console can exec into every container as root. Serving it beyond loopback without TLS
 * sends session cookies and passwords in clear; say so loudly at every start (the operator may
 * terminate TLS in a proxy on the same host, which is why this warns rather than refuses).
 */
@Component
class ExposureCheck implements ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(ExposureCheck.class);

	private final Environment environment;

	ExposureCheck(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void run(ApplicationArguments args) {
		String address = environment.getProperty("server.address", "0.0.0.0");
		boolean tls = environment.getProperty("server.ssl.enabled", Boolean.class, false)
				|| environment.getProperty("server.ssl.bundle") != null
				|| environment.getProperty("server.ssl.certificate") != null;
		if (!tls && !loopback(address)) {
			log.warn("console and REST API listen on {} without TLS: passwords, session cookies and API tokens "
					+ "cross the network in clear. Set server.ssl.* (see docs/operations.md) or server.address=127.0.0.1",
					address);
		}
	}

	static boolean loopback(String address) {
		try {
			return InetAddress.getByName(address).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

}
