package io.rocketcri.image.snapshot;

/**
 * What applying one layer produced.
 * @param diffId {@code "sha256:<hex>"} of the uncompressed tar, to check against the image config's
 * {@code rootfs.diff_ids}
 * @param uncompressedSize bytes of the uncompressed tar, trailing zero blocks included
 * @param entries tar members applied (whiteouts included; PAX and GNU extension headers not)
 */
public record UnpackResult(String diffId, long uncompressedSize, long entries) {
}
