package io.rocketcri.image.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.rocketcri.config.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Credentials from docker config.json files ({@code /root/.docker/config.json}, kubelet's
 * {@code /var/lib/kubelet/config.json}): the {@code auths} map from registry to {@code auth}
 * (base64 {@code user:password}), {@code username}, {@code password}, {@code identitytoken},
 * {@code registrytoken}. Used when kubelet sends no credentials for an endpoint, so that node-wide
 * credentials work as they do with containerd and CRI-O.
 *
 * <p>
 * Keys may be host names or URLs ({@code https://index.docker.io/v1/}); they are matched by host,
 * with Docker Hub's aliases folded together. Credential helpers ({@code credsStore},
 * {@code credHelpers}) are not run.
 */
public final class DockerConfigCredentials {

	private static final DockerConfigCredentials NONE = new DockerConfigCredentials(Map.of());

	/** Canonical host → credentials. */
	private final Map<String, RegistryCredentials> byHost;

	private DockerConfigCredentials(Map<String, RegistryCredentials> byHost) {
		this.byHost = Map.copyOf(byHost);
	}

	/** No config files. */
	public static DockerConfigCredentials none() {
		return NONE;
	}

	/**
	 * Reads the files in order; for a host listed in several, the first file wins. Missing files
	 * are skipped.
	 * @throws IllegalArgumentException naming the file when one is not a docker config
	 * @throws UncheckedIOException when one exists but cannot be read
	 */
	public static DockerConfigCredentials load(List<Path> files) {
		Map<String, RegistryCredentials> byHost = new LinkedHashMap<>();
		for (Path file : files) {
			JsonNode root;
			try {
				root = Json.MAPPER.readTree(Files.readAllBytes(file));
			}
			catch (NoSuchFileException ex) {
				continue;
			}
			catch (JacksonException ex) {
				throw new IllegalArgumentException(
						"reading registry credentials " + file + ": not valid JSON: " + ex.getOriginalMessage(), ex);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("reading registry credentials " + file + ": " + ex.getMessage(), ex);
			}
			if (root == null || !root.isObject()) {
				throw new IllegalArgumentException("reading registry credentials " + file + ": not a JSON object");
			}
			JsonNode auths = root.path("auths");
			for (Map.Entry<String, JsonNode> entry : auths.properties()) {
				JsonNode value = entry.getValue();
				RegistryCredentials credentials = new RegistryCredentials(text(value, "username"),
						text(value, "password"), text(value, "auth"), entry.getKey(), text(value, "identitytoken"),
						text(value, "registrytoken"));
				if (!credentials.isEmpty()) {
					byHost.putIfAbsent(RegistryHosts.canonical(entry.getKey()), credentials);
				}
			}
		}
		return byHost.isEmpty() ? NONE : new DockerConfigCredentials(byHost);
	}

	/**
	 * Credentials for a registry host ({@code 127.0.0.1:5000}, {@code registry-1.docker.io},
	 * {@code docker.io}, …), or {@link RegistryCredentials#NONE}.
	 */
	public RegistryCredentials forHost(String host) {
		return this.byHost.getOrDefault(RegistryHosts.canonical(host), RegistryCredentials.NONE);
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

	@Override
	public String toString() {
		return "DockerConfigCredentials" + this.byHost.keySet();
	}

}
