package io.rocketcri.cri;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.MessageLite;
import com.google.protobuf.UnknownFieldSet;

/**
 * The answers of kubelet's relists (ListContainers, ListPodSandbox): each item kept, serialized,
 * while neither its record nor what else it shows (a container's image) changed, and the whole
 * answer kept while no item did. kubelet relists every second, and most objects are the same as
 * a second ago. At 1,000 containers, building the items again was most of an answer's cost at
 * first; then encoding their strings to UTF-8 on every call (three quarters of the server's CPU
 * for the call, JFR); then each answer's garbage, whose young collections made the slowest calls.
 * The stores replace a record on every change, so "unchanged" is "the same record instance".
 *
 * @param <R> the stored record
 * @param <X> what else an item shows, compared by identity too ({@code Void} for nothing)
 * @param <M> the response message
 */
final class ListAnswers<R, X, M extends Message> {

	private record Entry<R, X>(R record, X extra, ByteString item) {
	}

	/** The last answer and the items it holds, in order. */
	private record Answer<M>(List<ByteString> items, M response) {
	}

	private final Function<R, String> idOf;

	private final Supplier<? extends Message.Builder> newResponse;

	private final int itemsField;

	/** Replaced whole by each call; concurrent calls may each keep their own, which is only a cache miss. */
	private volatile Map<String, Entry<R, X>> entries = Map.of();

	private volatile Answer<M> last;

	/**
	 * @param newResponse a builder of the response message
	 * @param itemsField the number of the response's repeated item field
	 */
	ListAnswers(Function<R, String> idOf, Supplier<? extends Message.Builder> newResponse, int itemsField) {
		this.idOf = idOf;
		this.newResponse = newResponse;
		this.itemsField = itemsField;
	}

	/**
	 * The answer listing {@code records}, in their order.
	 * @param complete whether {@code records} are all there are (no filter): then the entries of
	 *     records not among them are dropped
	 */
	M answer(List<R> records, boolean complete, Function<R, X> extraOf, BiFunction<R, X, ? extends MessageLite> build) {
		List<ByteString> items = items(records, complete, extraOf, build);
		Answer<M> previous = last;
		if (previous != null && sameItems(previous.items(), items)) {
			return previous.response(); // its serialized size is remembered too
		}
		M response = response(items);
		last = new Answer<>(items, response);
		return response;
	}

	/** Each record's item, serialized. */
	List<ByteString> items(List<R> records, boolean complete, Function<R, X> extraOf,
			BiFunction<R, X, ? extends MessageLite> build) {
		Map<String, Entry<R, X>> previous = entries;
		List<ByteString> items = new ArrayList<>(records.size());
		Map<String, Entry<R, X>> next = null; // made only when something changed
		for (int i = 0; i < records.size(); i++) {
			R r = records.get(i);
			X extra = extraOf.apply(r);
			Entry<R, X> entry = previous.get(idOf.apply(r));
			if (entry == null || entry.record() != r || entry.extra() != extra) {
				if (next == null) {
					next = kept(previous, records, i, complete);
				}
				entry = new Entry<>(r, extra, build.apply(r, extra).toByteString());
			}
			if (next != null) {
				next.put(idOf.apply(r), entry);
			}
			items.add(entry.item());
		}
		if (next == null && complete && previous.size() != records.size()) {
			next = kept(previous, records, records.size(), true); // only removals
		}
		if (next != null) {
			entries = next;
		}
		return items;
	}

	/** The entries to keep: the first {@code upTo} records' (all reused), and for a filtered list every other one. */
	private Map<String, Entry<R, X>> kept(Map<String, Entry<R, X>> previous, List<R> records, int upTo, boolean complete) {
		Map<String, Entry<R, X>> next = complete ? HashMap.newHashMap(records.size()) : new HashMap<>(previous);
		for (int j = 0; j < upTo; j++) {
			String id = idOf.apply(records.get(j));
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
	 * The response with these serialized items. They ride as what protobuf calls unknown fields,
	 * which it writes out as they are: on the wire that is exactly the repeated item field (same
	 * number, length-delimited), so every client, kubelet's Go one included, reads the items as
	 * usual. Only the server's own message object has no parsed items: it is made for sending,
	 * nothing in rocket-cri reads it.
	 */
	@SuppressWarnings("unchecked")
	M response(List<ByteString> items) {
		UnknownFieldSet.Field.Builder field = UnknownFieldSet.Field.newBuilder();
		items.forEach(field::addLengthDelimited);
		return (M) newResponse.get()
			.setUnknownFields(UnknownFieldSet.newBuilder().addField(itemsField, field.build()).build())
			.build();
	}

	int size() {
		return entries.size();
	}

}
