package io.rocketcri.console.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.rocketcri.failure.InvalidArgument;

/**
 * The filters and sort of a pods or containers table, as GET query parameters with crictl's
 * vocabulary: {@code name} (a regular expression, found anywhere in the name), {@code namespace},
 * {@code state}, {@code label} ({@code key=value}), {@code pod} (containers of one pod, id or id
 * prefix), {@code sort} (a column key) and {@code dir} ({@code asc}, {@code desc}).
 */
record TableQuery(String name, String namespace, String state, String label, String pod, String sort, String dir) {

	static final TableQuery NONE = new TableQuery(null, null, null, null, null, null, null);

	Pattern namePattern() {
		if (blank(name)) {
			return null;
		}
		try {
			return Pattern.compile(name);
		}
		catch (PatternSyntaxException ex) {
			throw new InvalidArgument("filter name: not a regular expression: " + ex.getDescription() + " in " + name);
		}
	}

	/** The label filter as key and value; a label without "=" matches any value of that key. */
	Map.Entry<String, String> labelPair() {
		if (blank(label)) {
			return null;
		}
		int eq = label.indexOf('=');
		if (eq == 0) {
			throw new InvalidArgument("filter label: expected key=value, got " + label);
		}
		return eq < 0 ? Map.entry(label.strip(), "") : Map.entry(label.substring(0, eq).strip(), label.substring(eq + 1).strip());
	}

	boolean labelMatches(Map<String, String> labels) {
		Map.Entry<String, String> pair = labelPair();
		if (pair == null) {
			return true;
		}
		String value = labels.get(pair.getKey());
		return value != null && (label.indexOf('=') < 0 || value.equals(pair.getValue()));
	}

	boolean stateMatches(String rowState) {
		return blank(state) || rowState.equalsIgnoreCase(state.strip());
	}

	boolean namespaceMatches(String rowNamespace) {
		return blank(namespace) || rowNamespace.equals(namespace.strip());
	}

	boolean descending() {
		return "desc".equalsIgnoreCase(dir);
	}

	String sortOr(String fallback) {
		return blank(sort) ? fallback : sort.toLowerCase(Locale.ROOT);
	}

	/** The query string of the filters and sort, for the table fragment's URL. */
	String queryString() {
		return encode(params(sort, dir));
	}

	/** A link to {@code path} sorted by {@code column}; the current column again flips the direction. */
	public String sortHref(String path, String column, String defaultColumn) {
		boolean current = sortOr(defaultColumn).equals(column);
		String nextDir = current && !descending() ? "desc" : "asc";
		return path + "?" + encode(params(column, nextDir));
	}

	/** "sorted-asc", "sorted-desc" or "" for a column header. */
	public String sortClass(String column, String defaultColumn) {
		if (!sortOr(defaultColumn).equals(column)) {
			return "";
		}
		return descending() ? "sorted-desc" : "sorted-asc";
	}

	private Map<String, String> params(String sortBy, String direction) {
		Map<String, String> p = new LinkedHashMap<>();
		put(p, "name", name);
		put(p, "namespace", namespace);
		put(p, "state", state);
		put(p, "label", label);
		put(p, "pod", pod);
		put(p, "sort", sortBy);
		put(p, "dir", direction);
		return p;
	}

	private static void put(Map<String, String> p, String key, String value) {
		if (!blank(value)) {
			p.put(key, value);
		}
	}

	private static String encode(Map<String, String> p) {
		StringBuilder out = new StringBuilder();
		p.forEach((k, v) -> {
			if (!out.isEmpty()) {
				out.append('&');
			}
			out.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
		});
		return out.toString();
	}

	static boolean blank(String s) {
		return s == null || s.isBlank();
	}

}
