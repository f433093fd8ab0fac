package io.rocketcri.logs;

/** Quotes what a caller sent into a message without letting a megabyte of it through. */
final class Bounded {

	private static final int MAX = 80;

	private Bounded() {
	}

	static String quote(String text) {
		return text.length() <= MAX ? text : text.substring(0, MAX) + "…";
	}

}
