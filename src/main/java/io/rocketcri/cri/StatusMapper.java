package io.rocketcri.cri;

import java.util.List;
import java.util.Map;

import io.rocketcri.config.Json;
import io.rocketcri.cri.api.RuntimeCondition;
import io.rocketcri.cri.api.RuntimeFeatures;
import io.rocketcri.cri.api.RuntimeHandler;
import io.rocketcri.cri.api.RuntimeHandlerFeatures;
import io.rocketcri.cri.api.RuntimeStatus;
import io.rocketcri.cri.api.StatusResponse;
import io.rocketcri.failure.Internal;
import tools.jackson.core.JacksonException;

import org.springframework.stereotype.Component;

/** Node conditions and effective config → StatusResponse. crictl info expects every info value to be JSON. */
@Component
class StatusMapper {

	StatusResponse toResponse(List<io.rocketcri.node.RuntimeCondition> conditions, Map<String, Object> verboseConfig,
			List<io.rocketcri.node.doctor.Finding> doctor, boolean recursiveReadOnlyMounts, boolean userNamespaces,
			List<String> handlers) {
		RuntimeStatus.Builder status = RuntimeStatus.newBuilder();
		for (var c : conditions) {
			status.addConditions(RuntimeCondition.newBuilder()
				.setType(c.type())
				.setStatus(c.status())
				.setReason(c.reason())
				.setMessage(c.message()));
		}
		RuntimeHandlerFeatures features = RuntimeHandlerFeatures.newBuilder()
			.setRecursiveReadOnlyMounts(recursiveReadOnlyMounts)
			.setUserNamespaces(userNamespaces)
			.build();
		StatusResponse.Builder response = StatusResponse.newBuilder()
			.setStatus(status)
			// "" is the default handler (pods without a RuntimeClass), which kubelet and critest look
			// up by that name; it is runc here, with the same features
			.addRuntimeHandlers(RuntimeHandler.newBuilder().setName("").setFeatures(features))
			.addRuntimeHandlers(RuntimeHandler.newBuilder().setName("runc").setFeatures(features))
			// UserResolver honours Merge and Strict; ContainerStatus.user reports the outcome
			.setFeatures(RuntimeFeatures.newBuilder().setSupplementalGroupsPolicy(true));
		for (String handler : handlers) {
			if (!handler.equals("runc")) {
				// other handlers (rkt) are listed only while usable; they do neither feature
				response.addRuntimeHandlers(RuntimeHandler.newBuilder()
					.setName(handler)
					.setFeatures(RuntimeHandlerFeatures.getDefaultInstance()));
			}
		}
		if (verboseConfig != null) {
			try {
				response.putInfo("config", Json.MAPPER.writeValueAsString(verboseConfig));
				if (doctor != null) {
					response.putInfo("doctor", Json.MAPPER.writeValueAsString(doctor));
				}
			}
			catch (JacksonException ex) {
				throw new Internal("rendering effective config for Status: " + ex.getMessage(), ex);
			}
		}
		return response.build();
	}

}
