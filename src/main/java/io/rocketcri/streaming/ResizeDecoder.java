package io.rocketcri.streaming;

import java.io.ByteArrayOutputStream;

import io.netty.buffer.ByteBuf;
import io.rocketcri.config.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Terminal sizes from the resize channel: JSON objects {@code {"Width":80,"Height":24}}, one after
 * the other (Go's JSON encoder ends each with a newline), possibly split across frames.
 * Confined to the event loop.
 */
final class ResizeDecoder {

	/** Receives a width and a height. */
	interface Listener {

		void resize(int width, int height);

	}

	private final Listener listener;

	private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

	ResizeDecoder(Listener listener) {
		this.listener = listener;
	}

	void feed(ByteBuf data) {
		while (data.isReadable()) {
			byte b = data.readByte();
			if (b == '\n' || b == '}') {
				if (b == '}') {
					this.pending.write(b);
				}
				flush();
			}
			else {
				this.pending.write(b);
			}
		}
	}

	private void flush() {
		byte[] text = this.pending.toByteArray();
		this.pending.reset();
		if (text.length == 0 || new String(text).isBlank()) {
			return;
		}
		try {
			JsonNode size = Json.MAPPER.readTree(text);
			int width = size.path("Width").asInt(size.path("width").asInt(0));
			int height = size.path("Height").asInt(size.path("height").asInt(0));
			if (width > 0 && height > 0) {
				this.listener.resize(width & 0xffff, height & 0xffff);
			}
		}
		catch (JacksonException ex) {
			// not a size; the next one will be
		}
	}

}
