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
 * nor its image changed, and the whole answer kept while no item did. kubelet relists every
 * second, and most containers are the same as a second ago. Building the items again was most of
 * a 1,000-container answer's cost at first; once they were kept as messages, encoding their
 * strings to UTF-8 on every call was (three quarters of the server's CPU for the call, JFR); then
 * the garbage of each answer, whose young collections made the slowest calls. Kept as bytes, an
 * unchanged item costs nothing but being looked up. The stores replace a container's record on
 * every change, so "unchanged" is "the same record instance".
 */
final class ContainerListItems {

	private record Entry(Container container, ImageRecord image, ByteString item) {
	}

	/** The last answer and the items it holds, in order. */
	private record Answer(List<ByteString> items, ListContainersResponse response) {
	}

	/** Replaced whole by each call; concurrent calls may each keep their own, which is only a cache miss. */
	private volatile Map<String, Entry> entries = Map.of();

	private volatile Answer last = new Answer(List.of(), ContainerListItems.response(List.of()));

	/**
	 * The answer listing {@code containers}, in their order.
	 * @param complete whether {@code containers} are all the node's containers (no filter): then
	 *     the entries of containers not among them are dropped
	 */
	ListContainersResponse answer(List<Container> containers, boolean complete, Function<Container, ImageRecord> imageOf,
			BiFunction<Container, ImageRecord, io.rocketcri.cri.api.Container> build) {
		List<ByteString> items = items(containers, complete, imageOf, build);
		Answer previous = last;
		if (sameItems(previous.items(), items)) {
			return previous.response(); // its serialized size is remembered too
		}
		ListContainersResponse response = response(items);
		last = new Answer(items, response);
		return response;
	}

	/** Each container's list item, serialized. */
	List<ByteString> items(List<Container> containers, boolean complete, Function<Container, ImageRecord> imageOf,
			BiFunction<Container, ImageRecord, io.rocketcri.cri.api.Container> build) {
		Map<String, Entry> previous = entries;
		List<ByteString> items = new ArrayList<>(containers.size());
		Map<String, Entry> next = null; // made only when something changed
		for (int i = 0; i < containers.size(); i++) {
			Container c = containers.get(i);
			ImageRecord image = imageOf.apply(c);
			Entry entry = previous.get(c.id());
			if (entry == null || entry.container() != c || entry.image() != image) {
				if (next == null) {
					next = kept(previous, containers, i, complete);
				}
				entry = new Entry(c, image, build.apply(c, image).toByteString());
			}
			if (next != null) {
				next.put(c.id(), entry);
			}
			items.add(entry.item());
		}
		if (next == null && complete && previous.size() != containers.size()) {
			next = kept(previous, containers, containers.size(), true); // only removals
		}
		if (next != null) {
			entries = next;
		}
		return items;
	}

	/** The entries to keep: the first {@code upTo} containers' (all reused), and for a filtered list every other one. */
	private static Map<String, Entry> kept(Map<String, Entry> previous, List<Container> containers, int upTo,
			boolean complete) {
		Map<String, Entry> next = complete ? HashMap.newHashMap(containers.size()) : new HashMap<>(previous);
		for (int j = 0; j < upTo; j++) {
			String id = containers.get(j).id();
			next.put(id, previous.get(id));
		}
		return next;
	}

	private static boolean sameItems(List<ByteString> a, List<ByteString> b) {
		if (a.size() != b.size()) {
			return false;
		}
		for (int i = 0; i < a.size(); i++) {
			if (a.get(i) != b.get(i)) {
				return false;
			}
		}
		return true;
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
