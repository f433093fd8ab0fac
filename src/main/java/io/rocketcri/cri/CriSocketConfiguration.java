package io.rocketcri.cri;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.grpc.netty.NettyServerBuilder;
import io.rocketcri.config.RocketProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.grpc.server.ServerBuilderCustomizer;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

/**
 * Prepares the CRI Unix socket: its directory must exist before Netty binds, a socket left by a
 * crashed run must go (bind fails on an existing path), and once bound the socket is 0660 so that
 * only root and the socket's group reach the runtime.
 */
@Configuration(proxyBeanMethods = false)
class CriSocketConfiguration {

	private static final Logger log = LoggerFactory.getLogger(CriSocketConfiguration.class);

	private final Path socket;

	CriSocketConfiguration(RocketProperties properties) {
		this.socket = properties.cri().socketPath();
	}

	/**
	 * Binds the gRPC server to {@code rocket.cri.socket}. Operators write the socket the way
	 * kubelet does ({@code unix:///run/...}); the gRPC starter wants a bare path. Done on the
	 * bound properties bean so that every config source (files, flags, ROCKET_CRI_SOCKET) counts.
	 */
	@Bean
	static BeanPostProcessor criSocketAddress(Environment environment) {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessBeforeInitialization(Object bean, String beanName) {
				if (bean instanceof GrpcServerProperties grpc) {
					String socket = environment.getProperty("rocket.cri.socket", RocketProperties.Cri.DEFAULT_SOCKET);
					grpc.getNetty().setDomainSocketPath(new RocketProperties.Cri(socket).socketPath().toString());
				}
				return bean;
			}
		};
	}

	@Bean
	ServerBuilderCustomizer<NettyServerBuilder> criSocketDirectory() {
		return builder -> {
			try {
				Files.createDirectories(socket.getParent());
				if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(socket)) {
					if (someoneListens(socket)) {
						// taking the path over would leave the other instance's clients stranded
						throw new IllegalStateException("another runtime is already serving " + socket
								+ "; stop it first, or set rocket.cri.socket to another path");
					}
					log.info("removing stale CRI socket {} left by an earlier run", socket);
					Files.delete(socket);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("preparing CRI socket " + socket + ": " + ex.getMessage(), ex);
			}
		};
	}

	private static boolean someoneListens(Path socket) {
		try (java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel
			.open(java.net.StandardProtocolFamily.UNIX)) {
			return channel.connect(java.net.UnixDomainSocketAddress.of(socket));
		}
		catch (IOException ex) {
			return false;
		}
	}

	@EventListener
	void restrictSocket(GrpcServerStartedEvent started) throws IOException {
		if (Files.exists(socket)) {
			Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
			log.info("CRI v1 RuntimeService and ImageService listening on unix://{}", socket);
		}
	}

}
