package io.rocketcri.cri;

import java.util.LinkedHashMap;
import java.util.Map;

import io.rocketcri.config.Json;
import io.rocketcri.cri.api.AuthConfig;
import io.rocketcri.cri.api.FilesystemIdentifier;
import io.rocketcri.cri.api.FilesystemUsage;
import io.rocketcri.cri.api.Image;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.Int64Value;
import io.rocketcri.cri.api.UInt64Value;
import io.rocketcri.failure.Internal;
import io.rocketcri.image.ImageRecord;
import io.rocketcri.image.ImageService;
import io.rocketcri.image.registry.RegistryCredentials;
import tools.jackson.core.JacksonException;

import org.springframework.stereotype.Component;

/** Images and credentials between their CRI messages and the image capability. Pure functions. */
@Component
class ImageMapper {

	Image toProto(ImageRecord image) {
		Image.Builder b = Image.newBuilder()
			.setId(image.id())
			.addAllRepoTags(image.repoTags())
			.addAllRepoDigests(image.repoDigests())
			.setSize(image.size())
			.setSpec(ImageSpec.newBuilder().setImage(image.id()))
			.setPinned(image.pinned());
		if (image.uid() != null) {
			b.setUid(Int64Value.newBuilder().setValue(image.uid()));
		}
		if (image.username() != null) {
			b.setUsername(image.username());
		}
		return b.build();
	}

	RegistryCredentials credentials(AuthConfig auth) {
		if (auth == null || auth.equals(AuthConfig.getDefaultInstance())) {
			return RegistryCredentials.NONE;
		}
		return new RegistryCredentials(auth.getUsername(), auth.getPassword(), auth.getAuth(), auth.getServerAddress(),
				auth.getIdentityToken(), auth.getRegistryToken());
	}

	/** Verbose ImageStatus: crictl inspecti parses every info value as JSON. */
	Map<String, String> verboseInfo(ImageService.ImageDetails details) {
		try {
			Map<String, Object> info = new LinkedHashMap<>();
			info.put("imageSpec", Json.MAPPER.readTree(details.configJson()));
			info.put("manifest", Json.MAPPER.readTree(details.manifestJson()));
			info.put("manifestDigest", details.image().manifestDigest());
			info.put("chainIds", details.image().chainIds());
			info.put("pulledFrom", details.image().pulledFrom());
			info.put("pulledAt", details.image().createdAt().toString());
			return Map.of("info", Json.MAPPER.writeValueAsString(info));
		}
		catch (JacksonException ex) {
			throw new Internal("rendering verbose status of image " + details.image().id() + ": " + ex.getMessage(), ex);
		}
	}

	FilesystemUsage toProto(ImageService.FsUsage usage, long nowNanos) {
		return FilesystemUsage.newBuilder()
			.setTimestamp(nowNanos)
			.setFsId(FilesystemIdentifier.newBuilder().setMountpoint(usage.mountpoint()))
			.setUsedBytes(UInt64Value.newBuilder().setValue(usage.usedBytes()))
			.setInodesUsed(UInt64Value.newBuilder().setValue(usage.inodesUsed()))
			.build();
	}

}
