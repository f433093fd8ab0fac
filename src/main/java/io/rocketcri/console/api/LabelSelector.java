package io.rocketcri.console.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.rocketcri.failure.InvalidArgument;

/**
 * Kubernetes' equality-based label selector: {@code app=web,tier!=db,release} ({@code =} and
 * {@code ==} equal, {@code !=} differs or is absent, a bare key exists, {@code !key} is absent).
 * Bounded, because it arrives in a query string.
 */
record LabelSelector(List<Requirement> requirements) {

	static final int MAX_LENGTH = 4096;

	static final int MAX_TERMS = 64;

	/** Label keys and values are at most 63 characters (keys may carry a 253-character prefix). */
	private static final String KEY = "([a-zA-Z0-9]([-a-zA-Z0-9.]{0,251}[a-zA-Z0-9])?/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]{0,61}[a-zA-Z0-9])?";

	private static final String VALUE = "([a-zA-Z0-9]([-a-zA-Z0-9_.]{0,61}[a-zA-Z0-9])?)?";

	static final LabelSelector ALL = new LabelSelector(List.of());

	record Requirement(String key, Op op, String value) {

		boolean matches(Map<String, String> labels) {
			String actual = labels.get(key);
			return switch (op) {
				case EQUALS -> value.equals(actual);
				case NOT_EQUALS -> !value.equals(actual);
				case EXISTS -> actual != null;
				case NOT_EXISTS -> actual == null;
			};
		}

	}

	enum Op {
		EQUALS, NOT_EQUALS, EXISTS, NOT_EXISTS
	}

	static LabelSelector parse(String parameter, String text) {
		if (text == null || text.isBlank()) {
			return ALL;
		}
		if (text.length() > MAX_LENGTH) {
			throw new InvalidArgument("%s: %d characters long; at most %d".formatted(parameter, text.length(), MAX_LENGTH));
		}
		String[] terms = text.split(",", -1);
		if (terms.length > MAX_TERMS) {
			throw new InvalidArgument("%s: %d terms; at most %d".formatted(parameter, terms.length, MAX_TERMS));
		}
		List<Requirement> out = new ArrayList<>();
		for (String raw : terms) {
			String term = raw.strip();
			Requirement r;
			if (term.contains("!=")) {
				r = new Requirement(key(parameter, term.substring(0, term.indexOf("!="))), Op.NOT_EQUALS,
						value(parameter, term.substring(term.indexOf("!=") + 2)));
			}
			else if (term.contains("==")) {
				r = new Requirement(key(parameter, term.substring(0, term.indexOf("=="))), Op.EQUALS,
						value(parameter, term.substring(term.indexOf("==") + 2)));
			}
			else if (term.contains("=")) {
				r = new Requirement(key(parameter, term.substring(0, term.indexOf('='))), Op.EQUALS,
						value(parameter, term.substring(term.indexOf('=') + 1)));
			}
			else if (term.startsWith("!")) {
				r = new Requirement(key(parameter, term.substring(1)), Op.NOT_EXISTS, null);
			}
			else {
				r = new Requirement(key(parameter, term), Op.EXISTS, null);
			}
			out.add(r);
		}
		return new LabelSelector(List.copyOf(out));
	}

	boolean matches(Map<String, String> labels) {
		return requirements.stream().allMatch(r -> r.matches(labels));
	}

	private static String key(String parameter, String key) {
		String k = key.strip();
		if (k.length() > 317 || !k.matches(KEY)) {
			throw new InvalidArgument("%s: \"%s\" is not a label key".formatted(parameter, Problems.bounded(k)));
		}
		return k;
	}

	private static String value(String parameter, String value) {
		String v = value.strip();
		if (v.length() > 63 || !v.matches(VALUE)) {
			throw new InvalidArgument("%s: \"%s\" is not a label value".formatted(parameter, Problems.bounded(v)));
		}
		return v;
	}

}
