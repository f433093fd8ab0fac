package io.rocketcri.image;

/**
 * An unpacked layer snapshot, identified by its chain id so that images sharing a base store and
 * unpack it once. Disk usage is measured once when the snapshot is committed (layers never change),
 * which keeps ImageFsInfo cheap on kubelet's polling path.
 */
public record LayerRecord(String chainId, String diffId, String blobDigest, long blobSize, long diskBytes,
		long diskInodes) {
}
