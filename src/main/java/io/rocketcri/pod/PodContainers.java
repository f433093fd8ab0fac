package io.rocketcri.pod;

import java.time.Duration;

/**
 * The containers of a pod, as the pod lifecycle needs them: StopPodSandbox must stop them all,
 * RemovePodSandbox must remove them all. Implemented by the container capability (which itself
 * depends on pods), so that the dependency points one way.
 */
public interface PodContainers {

	void stopAll(String podId, Duration timeout);

	void removeAll(String podId);

}
