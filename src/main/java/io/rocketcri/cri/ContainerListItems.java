package io.rocketcri.cri;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.rocketcri.container.Container;
import io.rocketcri.cri.api.ListContainersResponse;
import io.rocketcri.image.ImageRecord;

/**
 * ListContainers items kept, serialized, from one call to the next while neither the container
 * nor its image changed. kubelet relists every second, and most containers are the same as a
 * second ago. Building the items again was most of a 1,000-container answer's cost at first;
 * once they were kept as messages, encoding their strings to UTF-8 on every call was (three
 * quarters of the server's CPU for the call, JFR). Kept as bytes, an unchanged item costs a copy.
 * The stores replace a container's record on every change, so "unchanged" is "the same record
 * instance".
 */
final class ContainerListItems {

	private record Entry(Container container, ImageRecord image, ByteString item) {
	}

	/** Replaced whole by each call; concurrent calls may each keep their own, which is only a cache miss. */
	private volatile Map<String, Entry> entries = Map.of();

	/**
	 * Each container's list item, serialized.
	 * @param complete whether {@code containers} are all the node's containers (no filter): then
	 *     the entries of containers not among them are dropped
	 */
	List<ByteString> items(List<Container> containers, boolean complete, Function<Container, ImageRecord> imageOf,
			BiFunction<Container, ImageRecord, io.rocketcri.cri.api.Container> build) {
		Map<String, Entry> previous = entries;
		Map<String, Entry> next = complete ? HashMap.newHashMap(containers.size()) : new HashMap<>(previous);
		List<ByteString> items = new ArrayList<>(containers.size());
		for (Container c : containers) {
			ImageRecord image = imageOf.apply(c);
			Entry entry = previous.get(c.id());
			if (entry == null || entry.container() != c || entry.image() != image) {
				entry = new Entry(c, image, build.apply(c, image).toByteString());
			}
			next.put(c.id(), entry);
			items.add(entry.item());
		}
		entries = next;
		return items;
	}

	/**
	 * The answer with these serialized items. They ride as what protobuf calls unknown fields of
	 * the response, which it writes out as they are: on the wire that is exactly the repeated
	 * {@code containers} field (same number, length-delimited), so every client, kubelet's Go
	 * one included, reads the items as usual. Only the server's own message object has no parsed
	 * items: it is made for sending, nothing in rocket-cri reads it.
	 */
	static ListContainersResponse response(List<ByteString> items) {
		UnknownFieldSet.Field.Builder containers = UnknownFieldSet.Field.newBuilder();
		items.forEach(containers::addLengthDelimited);
		return ListContainersResponse.newBuilder()
			.setUnknownFields(UnknownFieldSet.newBuilder()
				.addField(ListContainersResponse.CONTAINERS_FIELD_NUMBER, containers.build())
				.build())
			.build();
	}

	int size() {
		return entries.size();
	}

}
