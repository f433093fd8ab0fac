package io.rocketcri.engine;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.rocketcri.failure.InvalidArgument;

/** The engines by runtime handler name; the empty handler (no RuntimeClass) is the default, runc. */
public final class PodEngines {

	public static final String DEFAULT_HANDLER = "runc";

	private final Map<String, PodEngine> byHandler;

	public PodEngines(List<PodEngine> engines) {
		this.byHandler = engines.stream().collect(Collectors.toUnmodifiableMap(PodEngine::handler, Function.identity()));
	}

	public PodEngine forHandler(String handler) {
		String name = handler == null || handler.isBlank() ? DEFAULT_HANDLER : handler;
		PodEngine engine = byHandler.get(name);
		if (engine == null) {
			throw new InvalidArgument("runtime_handler: no runtime handler \"%s\" on this node; configured: %s"
				.formatted(name, byHandler.keySet().stream().sorted().toList()));
		}
		return engine;
	}

	public List<PodEngine> all() {
		return List.copyOf(byHandler.values());
	}

	/** Handlers whose engine can run pods now, for Status; the default handler is always among them. */
	public List<String> availableHandlers() {
		return byHandler.values()
			.stream()
			.filter(e -> e.handler().equals(DEFAULT_HANDLER) || e.available())
			.map(PodEngine::handler)
			.sorted()
			.toList();
	}

	public List<String> handlers() {
		return byHandler.keySet().stream().sorted().toList();
	}

}
