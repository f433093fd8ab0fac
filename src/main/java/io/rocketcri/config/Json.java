package io.rocketcri.config;

import java.io.IOException;
import java.nio.file.Path;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON mapper for what rocket-cri reads and writes itself: OCI specs for runc, conmon's and
 * runc's files, CNI configurations, results and cache, registry and archive documents, verbose
 * CRI info. One immutable instance, shared: every mapper builds its own serializer and
 * deserializer caches, and one set of them is enough.
 *
 * <p>Where Jackson 3 changed a default that shows in these documents, this mapper keeps the
 * behaviour of Jackson 2, which rocket-cri used before: files other programs read stay byte for
 * byte what they were, and what was readable still is. (Hence not {@link JsonMapper#shared()},
 * which has Jackson 3's defaults.)
 */
public final class Json {

	public static final JsonMapper MAPPER = JsonMapper.builder()
		// A document followed by more output (a plugin's or rkt's stray line) is read up to its
		// end, not refused.
		.disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		// Characters beyond the BMP (an emoji in an annotation) written as two escaped surrogates,
		// not as 4 UTF-8 bytes: config.json and the CNI cache come out as before.
		.disable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
		.build();

	private Json() {
	}

	/**
	 * The document in {@code file}. Jackson 3 reports both a file it cannot read and one that is
	 * not JSON with unchecked exceptions; here both are an IOException, as with Jackson 2 (the file
	 * system's own for the first), for callers to whom either means an unreadable file.
	 */
	public static JsonNode read(Path file) throws IOException {
		try {
			return MAPPER.readTree(file.toFile());
		}
		catch (JacksonIOException ex) {
			throw ex.getCause();
		}
		catch (JacksonException ex) {
			throw new IOException(ex.getMessage(), ex);
		}
	}

	/**
	 * The document in {@code json}; malformed JSON is an IOException, as with {@link #read(Path)}.
	 * Empty input is a {@code MissingNode}.
	 */
	public static JsonNode read(byte[] json) throws IOException {
		try {
			return MAPPER.readTree(json);
		}
		catch (JacksonException ex) {
			throw new IOException(ex.getMessage(), ex);
		}
	}

}
