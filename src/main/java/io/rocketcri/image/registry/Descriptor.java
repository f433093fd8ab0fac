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

	/**
	 * The descriptor as a manifest or index writes it: mediaType, digest and size, in that order
	 * (what archives write; urls, annotations and platform are added by the caller if wanted).
	 */
	public java.util.LinkedHashMap<String, Object> json() {
		java.util.LinkedHashMap<String, Object> out = new java.util.LinkedHashMap<>();
		out.put("mediaType", mediaType);
		out.put("digest", digest);
		out.put("size", size);
		return out;
	}

	/** A plain blob descriptor without urls, annotations or platform. */
	public static Descriptor of(String mediaType, String digest, long size) {
		return new Descriptor(mediaType, digest, size, List.of(), Map.of(), null);
	}

}
