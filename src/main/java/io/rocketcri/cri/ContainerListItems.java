package io.rocketcri.cri;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.rocketcri.container.Container;
import io.rocketcri.image.ImageRecord;

/**
 * ListContainers items kept from one call to the next while neither the container nor its image
 * changed. kubelet relists every second, and most containers are the same as a second ago: a
 * kept message is neither built again nor sized again (protobuf remembers a message's serialized
 * size), which were most of a 1,000-container answer's cost. The stores replace a container's
 * record on every change, so "unchanged" is "the same record instance".
 */
final class ContainerListItems {

	private record Entry(Container container, ImageRecord image, io.rocketcri.cri.api.Container item) {
	}

	/** Replaced whole by each call; concurrent calls may each keep their own, which is only a cache miss. */
	private volatile Map<String, Entry> entries = Map.of();

	/**
	 * @param complete whether {@code containers} are all the node's containers (no filter): then
	 *     the entries of containers not among them are dropped
	 */
	List<io.rocketcri.cri.api.Container> items(List<Container> containers, boolean complete,
			Function<Container, ImageRecord> imageOf, BiFunction<Container, ImageRecord, io.rocketcri.cri.api.Container> build) {
		Map<String, Entry> previous = entries;
		Map<String, Entry> next = complete ? HashMap.newHashMap(containers.size()) : new HashMap<>(previous);
		List<io.rocketcri.cri.api.Container> items = new ArrayList<>(containers.size());
		for (Container c : containers) {
			ImageRecord image = imageOf.apply(c);
			Entry entry = previous.get(c.id());
			if (entry == null || entry.container() != c || entry.image() != image) {
				entry = new Entry(c, image, build.apply(c, image));
			}
			next.put(c.id(), entry);
			items.add(entry.item());
		}
		entries = next;
		return items;
	}

	int size() {
		return entries.size();
	}

}
