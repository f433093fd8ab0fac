package io.rocketcri.console.web;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerFilter;
import io.rocketcri.container.ContainerService;
import io.rocketcri.pod.PodFilter;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxService;

import org.springframework.stereotype.Component;

/** The pods and containers tables: the rows that pass a {@link TableQuery}, in its order. */
@Component
class Tables {

	static final String DEFAULT_SORT = "created";

	private static final Map<String, Comparator<ContainerRow>> CONTAINER_ORDER = Map.of(
			"id", Comparator.comparing(ContainerRow::id),
			"image", Comparator.comparing(ContainerRow::image),
			"created", Comparator.comparingLong(ContainerRow::createdAt),
			"state", Comparator.comparing(ContainerRow::state),
			"name", Comparator.comparing(ContainerRow::name),
			"attempt", Comparator.comparingInt(ContainerRow::attempt),
			"pod", Comparator.comparing(ContainerRow::podName),
			"podid", Comparator.comparing(ContainerRow::podId),
			"namespace", Comparator.comparing(ContainerRow::namespace));

	private static final Map<String, Comparator<PodRow>> POD_ORDER = Map.of(
			"id", Comparator.comparing(PodRow::id),
			"created", Comparator.comparingLong(PodRow::createdAt),
			"state", Comparator.comparing(PodRow::state),
			"name", Comparator.comparing(PodRow::name),
			"namespace", Comparator.comparing(PodRow::namespace),
			"attempt", Comparator.comparingInt(PodRow::attempt),
			"runtime", Comparator.comparing(PodRow::runtime));

	private final ContainerService containers;

	private final PodSandboxService pods;

	Tables(ContainerService containers, PodSandboxService pods) {
		this.containers = containers;
		this.pods = pods;
	}

	List<ContainerRow> containers(TableQuery query) {
		Pattern name = query.namePattern();
		query.labelPair(); // a malformed label is a 400 even when nothing would match
		Map<String, PodSandbox> podsById = podsById();
		ContainerFilter filter = new ContainerFilter(null, null, TableQuery.blank(query.pod()) ? null : query.pod().strip(), Map.of());
		List<Container> found = containers.list(filter);
		return sorted(found.stream()
			.filter(c -> name == null || name.matcher(c.name()).find())
			.filter(c -> query.labelMatches(c.config().getLabelsMap()))
			.map(c -> ContainerRow.of(c, podsById.get(c.podId())))
			.filter(r -> query.stateMatches(r.state()) && query.namespaceMatches(r.namespace()))
			.toList(), CONTAINER_ORDER, query);
	}

	List<PodRow> pods(TableQuery query) {
		Pattern name = query.namePattern();
		query.labelPair();
		return sorted(pods.list(PodFilter.ALL)
			.stream()
			.filter(p -> name == null || name.matcher(p.name()).find())
			.filter(p -> query.labelMatches(p.config().getLabelsMap()))
			.map(PodRow::of)
			.filter(r -> query.stateMatches(r.state()) && query.namespaceMatches(r.namespace()))
			.toList(), POD_ORDER, query);
	}

	private Map<String, PodSandbox> podsById() {
		return pods.list(PodFilter.ALL).stream().collect(java.util.stream.Collectors.toMap(PodSandbox::id, Function.identity()));
	}

	/** Newest first unless asked otherwise, like crictl; an unknown sort key is a 400. */
	private static <R> List<R> sorted(List<R> rows, Map<String, Comparator<R>> orders, TableQuery query) {
		String key = query.sortOr(DEFAULT_SORT);
		Comparator<R> order = orders.get(key);
		if (order == null) {
			throw new io.rocketcri.failure.InvalidArgument(
					"sort: unknown column " + key + "; one of " + new java.util.TreeSet<>(orders.keySet()));
		}
		boolean descending = TableQuery.blank(query.dir()) ? key.equals(DEFAULT_SORT) : query.descending();
		return rows.stream().sorted(descending ? order.reversed() : order).toList();
	}

}
