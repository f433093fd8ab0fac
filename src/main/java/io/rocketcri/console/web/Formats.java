package io.rocketcri.console.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** How the console writes times, ids and sizes: as crictl does where crictl has a way. */
final class Formats {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
		.withZone(ZoneId.systemDefault());

	private Formats() {
	}

	/** crictl's 13-character short id (a sha256: prefix dropped first). */
	static String shortId(String id) {
		if (id == null) {
			return "";
		}
		String bare = id.startsWith("sha256:") ? id.substring(7) : id;
		return bare.length() > 13 ? bare.substring(0, 13) : bare;
	}

	/** "3 minutes ago", like crictl's CREATED column; nanoseconds since the epoch in. */
	static String ago(long epochNanos) {
		if (epochNanos <= 0) {
			return "";
		}
		return ago(Duration.between(instant(epochNanos), Instant.now()));
	}

	static String ago(Duration d) {
		long s = Math.max(0, d.toSeconds());
		if (s < 60) {
			return s + " seconds ago";
		}
		if (s < 3600) {
			return plural(s / 60, "minute") + " ago";
		}
		if (s < 86400) {
			return plural(s / 3600, "hour") + " ago";
		}
		return plural(s / 86400, "day") + " ago";
	}

	private static String plural(long n, String unit) {
		return n == 1 ? "1 " + unit : n + " " + unit + "s";
	}

	static String time(long epochNanos) {
		return epochNanos <= 0 ? "" : TIME.format(instant(epochNanos));
	}

	static String time(Instant at) {
		return at == null ? "" : TIME.format(at);
	}

	static Instant instant(long epochNanos) {
		return Instant.ofEpochSecond(epochNanos / 1_000_000_000L, epochNanos % 1_000_000_000L);
	}

	/** Sizes as crictl images prints them (base 1000, like docker). */
	static String bytes(long n) {
		if (n < 0) {
			return "";
		}
		String[] units = { "B", "kB", "MB", "GB", "TB" };
		double v = n;
		int u = 0;
		while (v >= 1000 && u < units.length - 1) {
			v /= 1000;
			u++;
		}
		return u == 0 ? n + "B" : "%.3g%s".formatted(v, units[u]);
	}

}
