package io.rocketcri.streaming;

import java.util.List;
import java.util.OptionalInt;

import io.netty.buffer.Unpooled;
import io.rocketcri.config.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ProtocolsTest {

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "-", textBlock = """
			v5.channel.k8s.io, v4.channel.k8s.io, v3.channel.k8s.io | v4.channel.k8s.io
			v3.channel.k8s.io                                         | v3.channel.k8s.io
			channel.k8s.io,v2.channel.k8s.io                          | channel.k8s.io
			v5.channel.k8s.io                                         | -
			""")
	void spdyTakesTheClientsFirstProtocolWeSpeak(String offered, String chosen) {
		assertThat(Protocols.negotiate(List.of(offered), Protocols.SPDY_REMOTE_COMMAND)).isEqualTo(chosen);
	}

	@Test
	void exitReportsAsClientGoDecodesThem() throws Exception {
		assertThat(Json.MAPPER.readTree(ExitReport.exited(OptionalInt.of(0)).statusJson()).path("status").asString())
			.isEqualTo("Success");
		assertThat(Json.MAPPER.readTree(ExitReport.exited(OptionalInt.empty()).statusJson()).path("status").asString())
			.isEqualTo("Success");
		var failure = Json.MAPPER.readTree(ExitReport.exited(OptionalInt.of(42)).statusJson());
		assertThat(failure.path("reason").asString()).isEqualTo("NonZeroExitCode");
		assertThat(failure.at("/details/causes/0/reason").asString()).isEqualTo("ExitCode");
		assertThat(failure.at("/details/causes/0/message").asString()).isEqualTo("42");
		var internal = Json.MAPPER.readTree(ExitReport.failed("boom").statusJson());
		assertThat(internal.path("reason").asString()).isEqualTo("InternalError");
		assertThat(internal.path("code").asInt()).isEqualTo(500);
		assertThat(ExitReport.exited(OptionalInt.of(0)).forProtocol(Protocols.V2)).isEmpty();
		assertThat(new String(ExitReport.exited(OptionalInt.of(3)).forProtocol(Protocols.V1))).contains("exit code 3");
	}

	/** spdystream waits forever for a SYN_REPLY without a (compressed) header block. */
	@Test
	void synReplyCarriesAHeaderBlock() {
		io.netty.channel.embedded.EmbeddedChannel channel = new io.netty.channel.embedded.EmbeddedChannel(
				new io.netty.handler.codec.spdy.SpdyFrameCodec(io.netty.handler.codec.spdy.SpdyVersion.SPDY_3_1));
		channel.writeOutbound(SpdyConnection.reply(1));
		io.netty.buffer.ByteBuf encoded = Unpooled.buffer();
		for (Object part; (part = channel.readOutbound()) != null;) {
			encoded.writeBytes((io.netty.buffer.ByteBuf) part);
			((io.netty.buffer.ByteBuf) part).release();
		}
		// 8 bytes of frame header and 4 of stream id, then the header block
		assertThat(encoded.getShort(2)).isEqualTo((short) 2);
		assertThat(encoded.getInt(4) & 0xffffff).isGreaterThan(4);
		channel.finishAndReleaseAll();
	}

	@Test
	void resizesSplitAcrossFramesAndBackToBack() {
		List<int[]> sizes = new java.util.ArrayList<>();
		ResizeDecoder decoder = new ResizeDecoder((w, h) -> sizes.add(new int[] { w, h }));
		decoder.feed(Unpooled.copiedBuffer("{\"Width\":80,\"Hei".getBytes()));
		decoder.feed(Unpooled.copiedBuffer("ght\":24}\n{\"Width\":100,\"Height\":50}".getBytes()));
		decoder.feed(Unpooled.copiedBuffer("not json}\n".getBytes()));
		assertThat(sizes).containsExactly(new int[] { 80, 24 }, new int[] { 100, 50 });
	}

}
