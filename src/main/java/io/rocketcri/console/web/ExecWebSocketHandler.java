package io.rocketcri.console.web;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.rocketcri.config.Json;
import io.rocketcri.engine.StreamingProcess;
import io.rocketcri.streaming.StreamingService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The console terminal: {@code /console/exec/{containerId}?cmd=/bin/sh} runs the command with a
 * TTY in the container through the runtime's exec (the engine kubelet's exec uses, without the
 * streaming server's URL) and relays it to xterm.js.
 *
 * <p>Wire (our page is the only client, so JSON over text frames instead of the channel framing
 * kubelet's clients need): the browser sends {@code {"type":"stdin","data":"…"}} and
 * {@code {"type":"resize","cols":n,"rows":n}}; the server sends output as binary frames and,
 * at the end, {@code {"type":"exit","code":n}} or {@code {"type":"error","message":"…"}}.
 *
 * <p>Security: the handshake passes the console's filter chain (session, ADMIN) and Spring's
 * same-origin check; the role is checked here again because exec is root in the container, and
 * every session is logged with who, container and command.
 */
class ExecWebSocketHandler extends AbstractWebSocketHandler {

	private static final Logger log = LoggerFactory.getLogger(ExecWebSocketHandler.class);

	static final String DEFAULT_COMMAND = "/bin/sh";

	private final StreamingService streaming;

	private final Map<String, Exec> sessions = new ConcurrentHashMap<>();

	/**
	 * One terminal: the process, and the one platform thread that writes its stdin (writes to a
	 * pty block while the process does not read; virtual threads must not block on them).
	 */
	private record Exec(StreamingProcess process, ExecutorService stdin, WebSocketSession out) {
	}

	ExecWebSocketHandler(StreamingService streaming) {
		this.streaming = streaming;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession raw) throws Exception {
		WebSocketSession session = new ConcurrentWebSocketSessionDecorator(raw, 10_000, 1 << 20);
		String user = session.getPrincipal() == null ? "anonymous" : session.getPrincipal().getName();
		if (!isAdmin(session)) {
			log.warn("console exec: {} is not an admin; refused", user);
			session.close(CloseStatus.POLICY_VIOLATION.withReason("exec needs the ADMIN role"));
			return;
		}
		URI uri = session.getUri();
		String path = uri.getPath();
		String containerId = path.substring(path.lastIndexOf('/') + 1);
		List<String> command = command(uri);
		log.info("console exec: {} runs {} in container {}", user, command, containerId);
		StreamingProcess process;
		try {
			process = streaming.openExec(containerId, command, true);
		}
		catch (IOException | RuntimeException ex) {
			log.info("console exec: {} in container {} for {}: {}", command, containerId, user, ex.getMessage());
			sendText(session, Map.of("type", "error", "message", String.valueOf(ex.getMessage())));
			session.close(CloseStatus.NORMAL);
			return;
		}
		ExecutorService stdin = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("console-exec-stdin").factory());
		Exec exec = new Exec(process, stdin, session);
		sessions.put(raw.getId(), exec);
		process.start(new StreamingProcess.Output() {

			@Override
			public void stdout(byte[] data, int offset, int length) throws IOException {
				session.sendMessage(new BinaryMessage(ByteBuffer.wrap(Arrays.copyOfRange(data, offset, offset + length))));
			}

			@Override
			public void stderr(byte[] data, int offset, int length) throws IOException {
				stdout(data, offset, length);
			}

		}).whenComplete((code, ex) -> {
			log.info("console exec: {} in container {} for {} ended: {}", command, containerId, user,
					ex != null ? ex.getMessage() : code.isPresent() ? "exit code " + code.getAsInt() : "detached");
			if (ex != null) {
				sendText(session, Map.of("type", "error", "message", String.valueOf(ex.getMessage())));
			}
			else {
				sendText(session, Map.of("type", "exit", "code", code.orElse(-1)));
			}
			close(raw.getId());
			try {
				session.close(CloseStatus.NORMAL);
			}
			catch (IOException ignored) {
				// the browser is gone already
			}
		});
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
		Exec exec = sessions.get(session.getId());
		if (exec == null) {
			return;
		}
		JsonNode msg = Json.MAPPER.readTree(message.getPayload());
		switch (msg.path("type").asString("")) {
			case "stdin" -> {
				byte[] data = msg.path("data").asString("").getBytes(StandardCharsets.UTF_8);
				exec.stdin().execute(() -> {
					try {
						exec.process().writeStdin(data, 0, data.length);
					}
					catch (IOException ex) {
						close(session.getId()); // the process has gone; its exit is reported by start's future
					}
				});
			}
			case "resize" -> {
				int cols = msg.path("cols").asInt(0);
				int rows = msg.path("rows").asInt(0);
				if (cols > 0 && rows > 0 && cols < 10_000 && rows < 10_000) {
					exec.process().resize(cols, rows);
				}
			}
			default -> log.debug("console exec: ignored message type {}", msg.path("type").asString(""));
		}
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		close(session.getId());
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) {
		close(session.getId());
	}

	/** Kills the exec (closing a running exec kills it) and frees its thread; idempotent. */
	private void close(String sessionId) {
		Exec exec = sessions.remove(sessionId);
		if (exec != null) {
			exec.process().close();
			exec.stdin().shutdownNow();
		}
	}

	static List<String> command(URI uri) {
		String cmd = UriComponentsBuilder.fromUri(uri).build().getQueryParams().getFirst("cmd");
		cmd = cmd == null ? DEFAULT_COMMAND : java.net.URLDecoder.decode(cmd, StandardCharsets.UTF_8).strip();
		if (cmd.isEmpty()) {
			cmd = DEFAULT_COMMAND;
		}
		return List.of(cmd.split("\\s+"));
	}

	private static boolean isAdmin(WebSocketSession session) {
		return session.getPrincipal() instanceof Authentication auth && auth.getAuthorities()
			.stream()
			.map(GrantedAuthority::getAuthority)
			.anyMatch("ROLE_ADMIN"::equals);
	}

	private static void sendText(WebSocketSession session, Map<String, ?> body) {
		try {
			if (session.isOpen()) {
				session.sendMessage(new TextMessage(Json.MAPPER.writeValueAsString(body)));
			}
		}
		catch (IOException ex) {
			// the browser is gone
		}
	}

}
