package io.rocketcri.console.web;

import io.rocketcri.streaming.StreamingService;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * The terminal's WebSocket at {@code /console/exec/{containerId}}. No allowed origins are set:
 * Spring then accepts same-origin handshakes only, which stops cross-site WebSocket hijacking
 * with the operator's session cookie.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class ExecWebSocketConfiguration implements WebSocketConfigurer {

	private final ExecWebSocketHandler handler;

	ExecWebSocketConfiguration(StreamingService streaming) {
		this.handler = new ExecWebSocketHandler(streaming);
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		registry.addHandler(handler, "/console/exec/{containerId}");
	}

}
