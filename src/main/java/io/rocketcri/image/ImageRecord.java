package io.rocketcri.image;

import java.time.Instant;
import java.util.List;

/**
 * An image on this node. Its id is the digest of its config blob, as kubelet and crictl show it;
 * names are tags ({@code repo:tag}) and repo digests ({@code repo@sha256:...}), all normalised
 * ({@code docker.io/library/busybox:latest}).
 *
 * @param chainIds the layer snapshots bottom-up, which a container's overlay stacks in reverse
 * @param blobDigests the manifest and config blobs it keeps in the content store
 */
public record ImageRecord(String id, String manifestDigest, String manifestMediaType, long size, Long uid,
		String username, boolean pinned, String pulledFrom, Instant createdAt, List<String> repoTags,
		List<String> repoDigests, List<String> chainIds, List<String> blobDigests) {

	public ImageRecord {
		repoTags = List.copyOf(repoTags);
		repoDigests = List.copyOf(repoDigests);
		chainIds = List.copyOf(chainIds);
		blobDigests = List.copyOf(blobDigests);
	}

	public List<String> names() {
		return java.util.stream.Stream.concat(repoTags.stream(), repoDigests.stream()).toList();
	}

	ImageRecord withNames(List<String> tags, List<String> digests) {
		return new ImageRecord(id, manifestDigest, manifestMediaType, size, uid, username, pinned, pulledFrom,
				createdAt, tags, digests, chainIds, blobDigests);
	}

}
