package io.rocketcri.testsupport;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Ready-made layers for test images: a busybox root file system and one-feature layers on top. */
public final class Layers {

	/** Debian's statically linked busybox (package busybox-static). */
	public static final Path BUSYBOX = Path.of("/bin/busybox");

	/** Applets linked to busybox in {@code /bin} of {@link #busyboxRoot()}. */
	public static final List<String> APPLETS = List.of("sh", "ls", "cat", "echo", "sleep", "true", "false", "env",
			"id", "ps", "touch", "mkdir", "rm", "grep", "wc", "head", "tail", "test", "kill", "hostname", "stat",
			"readlink", "pwd", "whoami", "uname", "printf", "mount", "cp", "mv", "ln", "chmod", "date", "wget", "nc",
			"top", "timeout");

	/** The user {@link #busyboxRoot()} defines. */
	public static final String DEFAULT_USER = "app";

	public static final int DEFAULT_UID = 1000;

	public static final int DEFAULT_GID = 1000;

	/** Supplementary group of the image user, as {@code /etc/group} of the base layer says. */
	public static final String SUPPLEMENTARY_GROUP = "users";

	public static final int SUPPLEMENTARY_GID = 100;

	private Layers() {
	}

	/** {@link #busyboxRoot(String, int, int)} with user {@code app}, uid 1000, gid 1000. */
	public static LayerBuilder busyboxRoot() {
		return busyboxRoot(DEFAULT_USER, DEFAULT_UID, DEFAULT_GID);
	}

	/**
	 * A minimal root file system: {@code /bin/busybox} (the host's static build) with the
	 * {@link #APPLETS} as symlinks to it, {@code /etc/passwd} and {@code /etc/group} with root,
	 * nobody and the given user (home {@code /home/<user>}, owned by it; member of
	 * {@code users}, gid 100), {@code /tmp} (1777), {@code /root}, and empty {@code /proc},
	 * {@code /sys}, {@code /dev}.
	 */
	public static LayerBuilder busyboxRoot(String user, int uid, int gid) {
		if (!Files.isExecutable(BUSYBOX)) {
			throw new IllegalStateException(BUSYBOX + " not found: install Debian's busybox-static (apt-get install busybox-static)");
		}
		LayerBuilder layer = LayerBuilder.create().dir("bin").hostFile("bin/busybox", BUSYBOX, 0755);
		for (String applet : APPLETS) {
			layer.symlink("bin/" + applet, "busybox");
		}
		String passwd = """
				root:x:0:0:root:/root:/bin/sh
				nobody:x:65534:65534:nobody:/nonexistent:/bin/false
				%1$s:x:%2$d:%3$d:%1$s:/home/%1$s:/bin/sh
				""".formatted(user, uid, gid);
		String group = """
				root:x:0:
				%4$s:x:%5$d:%1$s
				nogroup:x:65534:
				%1$s:x:%3$d:
				""".formatted(user, uid, gid, SUPPLEMENTARY_GROUP, SUPPLEMENTARY_GID);
		return layer.dir("etc")
			.file("etc/passwd", passwd)
			.file("etc/group", group)
			.dir("root", 0700)
			.dir("home")
			.dir("home/" + user, 0755, uid, gid)
			.dir("tmp", 01777)
			.dir("proc", 0555)
			.dir("sys", 0555)
			.dir("dev")
			.dir("usr")
			.dir("usr/bin")
			.dir("var");
	}

	/** One root-owned file, mode 0644. */
	public static LayerBuilder file(String path, String content) {
		return LayerBuilder.create().file(path, content);
	}

	/** A file owned by {@code uid:gid} (e.g. 1234:1234), mode 0644. */
	public static LayerBuilder ownedFile(String path, String content, int uid, int gid) {
		return LayerBuilder.create().file(path, content.getBytes(StandardCharsets.UTF_8), 0644, uid, gid);
	}

	/** Deletes {@code path} of the lower layers ({@code .wh.<name>}). */
	public static LayerBuilder whiteout(String path) {
		return LayerBuilder.create().whiteout(path);
	}

	/** Makes {@code dir} opaque and puts one new file in it. */
	public static LayerBuilder opaqueDir(String dir, String newFile, String content) {
		return LayerBuilder.create().opaqueDir(dir).file(dir + "/" + newFile, content);
	}

	/** A file and a hard link to it. */
	public static LayerBuilder hardlink(String file, String link, String content) {
		return LayerBuilder.create().file(file, content).hardlink(link, file);
	}

	/** A root-owned setuid shell script (mode 04755) printing the effective ids. */
	public static LayerBuilder setuidFile(String path) {
		return LayerBuilder.create().setuidFile(path, "#!/bin/sh\nid\n".getBytes(StandardCharsets.UTF_8));
	}

}
