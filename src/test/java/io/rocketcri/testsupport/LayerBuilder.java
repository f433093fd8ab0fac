package io.rocketcri.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Builds one uncompressed layer tar, entry by entry, in the order the methods are called.
 *
 * <p>Paths are given absolute or relative ({@code "/etc/passwd"} and {@code "etc/passwd"} are the
 * same); in the tar they are stored relative, directories with a trailing slash, as image builders
 * write them. Missing parent directories are added (root-owned, 0755) before an entry, unless
 * {@link #withoutParents()} was called. Every entry has the same modification time, so equal
 * inputs give byte-equal tars and so equal digests.
 *
 * <p>Whiteouts follow the OCI layer spec: {@code .wh.<name>} deletes {@code <name>} of a lower
 * layer, {@code <dir>/.wh..wh..opq} hides all lower content of {@code <dir>}.
 */
public final class LayerBuilder {

	/** Modification time of every entry: 2024-01-01T00:00:00Z. */
	public static final Instant MTIME = Instant.parse("2024-01-01T00:00:00Z");

	/** Prefix of a whiteout file. */
	public static final String WHITEOUT_PREFIX = ".wh.";

	/** Name of the opaque-directory marker. */
	public static final String OPAQUE_MARKER = ".wh..wh..opq";

	private static final int S_IFREG = 0100000;
	private static final int S_IFDIR = 0040000;
	private static final int S_IFLNK = 0120000;

	private sealed interface Entry {
		String path();
	}

	private record Dir(String path, int mode, int uid, int gid) implements Entry {
	}

	private record File(String path, byte[] content, int mode, int uid, int gid) implements Entry {
	}

	private record Symlink(String path, String target) implements Entry {
	}

	private record Hardlink(String path, String target) implements Entry {
	}

	private final List<Entry> entries = new ArrayList<>();
	private final Set<String> dirs = new HashSet<>();
	private boolean addParents = true;

	public static LayerBuilder create() {
		return new LayerBuilder();
	}

	/** Stop adding missing parent directories for entries added after this call. */
	public LayerBuilder withoutParents() {
		addParents = false;
		return this;
	}

	public LayerBuilder dir(String path) {
		return dir(path, 0755, 0, 0);
	}

	public LayerBuilder dir(String path, int mode) {
		return dir(path, mode, 0, 0);
	}

	/** A directory entry; {@code mode} is the permission bits (e.g. {@code 01777}). */
	public LayerBuilder dir(String path, int mode, int uid, int gid) {
		String p = normalize(path);
		parents(p);
		dirs.add(p);
		Dir d = new Dir(p, mode, uid, gid);
		for (int i = 0; i < entries.size(); i++) {
			if (entries.get(i) instanceof Dir old && old.path().equals(p)) {
				entries.set(i, d); // e.g. a parent added implicitly before: keep its place, take the new mode
				return this;
			}
		}
		entries.add(d);
		return this;
	}

	/** A regular root-owned file, mode 0644, with UTF-8 content. */
	public LayerBuilder file(String path, String content) {
		return file(path, content.getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
	}

	public LayerBuilder file(String path, byte[] content, int mode) {
		return file(path, content, mode, 0, 0);
	}

	/** A regular file; {@code mode} is the permission bits, setuid/setgid/sticky included. */
	public LayerBuilder file(String path, byte[] content, int mode, int uid, int gid) {
		String p = normalize(path);
		parents(p);
		entries.add(new File(p, content.clone(), mode, uid, gid));
		return this;
	}

	/** A regular file whose content is read from a file of the host. */
	public LayerBuilder hostFile(String path, Path source, int mode) {
		try {
			return file(path, Files.readAllBytes(source), mode, 0, 0);
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot read " + source, e);
		}
	}

	/** A root-owned setuid file (mode 04755). */
	public LayerBuilder setuidFile(String path, byte[] content) {
		return file(path, content, 04755, 0, 0);
	}

	/** A symbolic link; {@code target} is stored as given (relative or absolute). */
	public LayerBuilder symlink(String path, String target) {
		String p = normalize(path);
		parents(p);
		entries.add(new Symlink(p, target));
		return this;
	}

	/** A hard link to {@code target}, an earlier entry of this same layer. */
	public LayerBuilder hardlink(String path, String target) {
		String p = normalize(path);
		String t = normalize(target);
		if (entries.stream().noneMatch(e -> e instanceof File f && f.path().equals(t))) {
			throw new IllegalArgumentException("hard link target " + t + " must be a file added earlier to this layer");
		}
		parents(p);
		entries.add(new Hardlink(p, t));
		return this;
	}

	/** A whiteout that deletes {@code path} of the lower layers: an empty {@code <dir>/.wh.<name>}. */
	public LayerBuilder whiteout(String path) {
		String p = normalize(path);
		int slash = p.lastIndexOf('/');
		String name = slash < 0 ? p : p.substring(slash + 1);
		String parent = slash < 0 ? "" : p.substring(0, slash + 1);
		return file(parent + WHITEOUT_PREFIX + name, new byte[0], 0644, 0, 0);
	}

	/**
	 * Makes {@code dir} opaque: its lower-layer content is hidden. Adds the directory (unless this
	 * layer has it already) and the marker {@code <dir>/.wh..wh..opq}; add the new content after.
	 */
	public LayerBuilder opaqueDir(String dir) {
		String d = normalize(dir);
		if (!dirs.contains(d)) {
			dir(d);
		}
		return file(d + "/" + OPAQUE_MARKER, new byte[0], 0644, 0, 0);
	}

	/** The paths of the entries, in tar order, as stored (relative, without trailing slash). */
	public List<String> paths() {
		return entries.stream().map(Entry::path).toList();
	}

	/** The uncompressed tar. */
	public byte[] tar() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
			tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
			tar.setAddPaxHeadersForNonAsciiNames(true);
			for (Entry e : entries) {
				TarArchiveEntry te = switch (e) {
					case Dir d -> {
						TarArchiveEntry t = new TarArchiveEntry(d.path() + "/");
						t.setMode(S_IFDIR | d.mode());
						owner(t, d.uid(), d.gid());
						yield t;
					}
					case File f -> {
						TarArchiveEntry t = new TarArchiveEntry(f.path());
						t.setMode(S_IFREG | f.mode());
						t.setSize(f.content().length);
						owner(t, f.uid(), f.gid());
						yield t;
					}
					case Symlink s -> {
						TarArchiveEntry t = new TarArchiveEntry(s.path(), TarConstants.LF_SYMLINK);
						t.setLinkName(s.target());
						t.setMode(S_IFLNK | 0777);
						owner(t, 0, 0);
						yield t;
					}
					case Hardlink h -> {
						TarArchiveEntry t = new TarArchiveEntry(h.path(), TarConstants.LF_LINK);
						t.setLinkName(h.target());
						File target = (File) entries.stream()
							.filter(x -> x instanceof File f && f.path().equals(h.target()))
							.findFirst()
							.orElseThrow();
						t.setMode(S_IFREG | target.mode());
						owner(t, target.uid(), target.gid());
						yield t;
					}
				};
				te.setModTime(FileTime.from(MTIME));
				tar.putArchiveEntry(te);
				if (e instanceof File f) {
					tar.write(f.content());
				}
				tar.closeArchiveEntry();
			}
			tar.finish();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	/** The layer's diff_id: sha256 of the uncompressed tar. */
	public String diffId() {
		return Blob.sha256(tar());
	}

	private static void owner(TarArchiveEntry t, int uid, int gid) {
		t.setUserId(uid);
		t.setGroupId(gid);
		t.setUserName("");
		t.setGroupName("");
	}

	private void parents(String path) {
		if (!addParents) {
			return;
		}
		int i = path.indexOf('/');
		while (i > 0) {
			String parent = path.substring(0, i);
			if (dirs.add(parent)) {
				entries.add(new Dir(parent, 0755, 0, 0));
			}
			i = path.indexOf('/', i + 1);
		}
	}

	private static String normalize(String path) {
		String p = path;
		while (p.startsWith("/") || p.startsWith("./")) {
			p = p.startsWith("/") ? p.substring(1) : p.substring(2);
		}
		while (p.endsWith("/")) {
			p = p.substring(0, p.length() - 1);
		}
		if (p.isEmpty() || p.contains("//") || p.equals("..") || p.startsWith("../") || p.contains("/../")) {
			throw new IllegalArgumentException("bad layer path: " + path);
		}
		return p;
	}

}
