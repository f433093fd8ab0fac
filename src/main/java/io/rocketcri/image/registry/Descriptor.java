package io.rocketcri.image.registry;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An OCI content descriptor: what a manifest says about a blob or a child manifest.
 *
 * @param mediaType what the content is
 * @param digest {@code algorithm:hex} of the content
 * @param size length of the content in bytes, to check while reading
 * @param urls alternative download locations (foreign layers), usually empty
 * @param annotations free-form metadata, usually empty
 * @param platform the platform of a child manifest in an index, null elsewhere
 */
public record Descriptor(String mediaType, String digest, long size, List<String> urls, Map<String, String> annotations,
		Platform platform) {

	public Descriptor {
		Objects.requireNonNull(digest, "digest");
		urls = (urls != null) ? List.copyOf(urls) : List.of();
		annotations = (annotations != null) ? Map.copyOf(annotations) : Map.of();
	}

	/** A plain blob descriptor without urls, annotations or platform. */
	public static Descriptor of(String mediaType, String digest, long size) {
		return new Descriptor(mediaType, digest, size, List.of(), Map.of(), null);
	}

}
