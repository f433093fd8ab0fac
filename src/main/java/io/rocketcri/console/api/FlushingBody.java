package io.rocketcri.console.api;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * A streamed body whose {@code flush()} reaches the client. Spring Framework 7 hands a
 * StreamingResponseBody the stream of {@code ServletServerHttpResponse.getBody()}, whose flush
 * does nothing; a followed log, an event watch or pull progress then sat in the servlet buffer
 * until it filled or the response ended (seen from curl -N and the console's browser test).
 */
final class FlushingBody {

	private FlushingBody() {
	}

	static StreamingResponseBody of(HttpServletResponse response, StreamingResponseBody body) {
		return out -> body.writeTo(new FilterOutputStream(out) {

			@Override
			public void write(byte[] b, int off, int len) throws IOException {
				out.write(b, off, len);
			}

			@Override
			public void flush() throws IOException {
				out.flush();
				response.flushBuffer();
			}

		});
	}

}
