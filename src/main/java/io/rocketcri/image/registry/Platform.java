package io.rocketcri.image.registry;

import java.util.Locale;
import java.util.Objects;

/**
 * An OCI platform: Go's GOOS/GOARCH names plus the CPU variant. The record keeps what it is
 * given; {@link #normalised()} folds the aliases (x86_64, aarch64, arm64 without variant) so
 * that two spellings of the same platform compare equal.
 *
 * @param os e.g. {@code linux}
 * @param architecture e.g. {@code amd64}, {@code arm64}
 * @param variant e.g. {@code v8}, or null
 */
public record Platform(String os, String architecture, String variant) {

	public Platform {
		Objects.requireNonNull(os, "os");
		Objects.requireNonNull(architecture, "architecture");
		if (variant != null && variant.isEmpty()) {
			variant = null;
		}
	}

	/** The platform this JVM runs on, in OCI terms: linux/amd64 on x86_64, linux/arm64/v8 on aarch64. */
	public static Platform host() {
		String os = System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT);
		return new Platform(os.startsWith("windows") ? "windows" : os.startsWith("mac") ? "darwin" : os,
				System.getProperty("os.arch", "amd64"), null)
			.normalised();
	}

	/** Parses {@code os/arch[/variant]}, e.g. {@code linux/arm64/v8}. */
	public static Platform parse(String text) {
		String[] parts = text.split("/", -1);
		if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
			throw new IllegalArgumentException("platform \"" + text + "\" is not os/architecture[/variant]");
		}
		return new Platform(parts[0], parts[1], (parts.length == 3) ? parts[2] : null);
	}

	/**
	 * The same platform with Go's names: architecture aliases resolved (x86_64, aarch64, armhf,
	 * …), arm64's implied variant v8 made explicit, arm's implied v7 likewise, amd64's baseline
	 * variant v1 dropped.
	 */
	public Platform normalised() {
		String os = this.os.toLowerCase(Locale.ROOT);
		String arch = this.architecture.toLowerCase(Locale.ROOT);
		String variant = (this.variant != null) ? this.variant.toLowerCase(Locale.ROOT) : null;
		switch (arch) {
			case "x86_64", "x86-64", "amd64" -> {
				arch = "amd64";
				if ("v1".equals(variant)) {
					variant = null;
				}
			}
			case "i386", "i686", "x86" -> arch = "386";
			case "aarch64", "arm64" -> {
				arch = "arm64";
				if (variant == null || variant.equals("8") || variant.equals("v8")) {
					variant = "v8";
				}
			}
			case "armhf" -> {
				arch = "arm";
				variant = "v7";
			}
			case "armel" -> {
				arch = "arm";
				variant = "v6";
			}
			case "arm" -> {
				if (variant == null) {
					variant = "v7";
				}
				else if (!variant.startsWith("v")) {
					variant = "v" + variant;
				}
			}
			default -> {
			}
		}
		return new Platform(os, arch, variant);
	}

	/** {@code os/arch[/variant]}, as indexes and error messages show platforms. */
	@Override
	public String toString() {
		return this.os + "/" + this.architecture + ((this.variant != null) ? "/" + this.variant : "");
	}

}
