package io.rocketcri.streaming;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The streaming server that serves the URLs Exec, Attach and PortForward hand out
 * ({@code rocket.streaming.*}).
 *
 * @param address address the server binds and names in its URLs; a wildcard address
 * ({@code 0.0.0.0}, {@code ::}) binds everywhere and the URLs name 127.0.0.1
 * @param port TCP port; 0 (the default, as CRI-O's {@code stream_port}) picks a free one at each
 * start, which is fine because every URL carries it
 * @param tokenTtl how long a URL stays valid when nobody connects to it (kubelet's is 1 minute)
 * @param streamCreationTimeout how long a SPDY client gets to open all the streams it asked for
 * @param maxPendingTokens URLs handed out and not yet used, at most (kubelet's cache holds 1000)
 */
@ConfigurationProperties("rocket.streaming")
public record StreamingProperties(@DefaultValue("127.0.0.1") String address, @DefaultValue("0") int port,
		@DefaultValue("1m") Duration tokenTtl, @DefaultValue("30s") Duration streamCreationTimeout,
		@DefaultValue("1000") int maxPendingTokens) {
}
