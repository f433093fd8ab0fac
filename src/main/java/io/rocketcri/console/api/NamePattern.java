package io.rocketcri.console.api;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.rocketcri.failure.InvalidArgument;

/**
 * A regular expression filter on names (crictl's {@code --name} is one too), safe to take from a
 * caller: bounded in length, compiled once, and matched with a step budget so that a
 * catastrophically backtracking pattern such as {@code (.*a){20}b} answers 400 instead of pinning a
 * CPU.
 */
final class NamePattern {

	static final int MAX_LENGTH = 512;

	/** Character reads one match may make; a sane pattern on a 253-character name needs a few thousand. */
	private static final int BUDGET = 200_000;

	private final String parameter;

	private final Pattern pattern;

	private NamePattern(String parameter, Pattern pattern) {
		this.parameter = parameter;
		this.pattern = pattern;
	}

	/** Null when {@code regex} is null or empty: no filter. */
	static NamePattern compile(String parameter, String regex) {
		if (regex == null || regex.isEmpty()) {
			return null;
		}
		if (regex.length() > MAX_LENGTH) {
			throw new InvalidArgument("%s: the regular expression is %d characters long; at most %d"
				.formatted(parameter, regex.length(), MAX_LENGTH));
		}
		try {
			return new NamePattern(parameter, Pattern.compile(regex));
		}
		catch (PatternSyntaxException ex) {
			throw new InvalidArgument("%s: not a valid regular expression: %s".formatted(parameter,
					ex.getDescription() + " near index " + ex.getIndex()));
		}
	}

	/** Whether the pattern is found in {@code text} (like crictl: a substring match unless anchored). */
	boolean find(String text) {
		try {
			return pattern.matcher(new Budgeted(text, BUDGET)).find();
		}
		catch (BudgetExceeded ex) {
			throw new InvalidArgument("%s: the regular expression takes too long to match; simplify it"
				.formatted(parameter));
		}
	}

	/** Counts character reads and gives up past the budget: the regex engine has no timeout of its own. */
	private static final class Budgeted implements CharSequence {

		private final String text;

		private final int[] left;

		Budgeted(String text, int budget) {
			this(text, new int[] { budget });
		}

		private Budgeted(String text, int[] left) {
			this.text = text;
			this.left = left;
		}

		@Override
		public char charAt(int index) {
			if (--left[0] < 0) {
				throw new BudgetExceeded();
			}
			return text.charAt(index);
		}

		@Override
		public int length() {
			return text.length();
		}

		@Override
		public CharSequence subSequence(int start, int end) {
			return new Budgeted(text.substring(start, end), left);
		}

		@Override
		public String toString() {
			return text;
		}

	}

	private static final class BudgetExceeded extends RuntimeException {

		BudgetExceeded() {
			super(null, null, false, false);
		}

	}

}
