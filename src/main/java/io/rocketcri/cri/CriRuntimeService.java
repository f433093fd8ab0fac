package io.rocketcri.cri;

import io.grpc.stub.StreamObserver;
import io.rocketcri.cri.api.CgroupDriver;
import io.rocketcri.cri.api.LinuxRuntimeConfiguration;
import io.rocketcri.cri.api.RuntimeConfigRequest;
import io.rocketcri.cri.api.RuntimeConfigResponse;
import io.rocketcri.cri.api.RuntimeServiceGrpc;
import io.rocketcri.cri.api.StatusRequest;
import io.rocketcri.cri.api.StatusResponse;
import io.rocketcri.cri.api.UpdateRuntimeConfigRequest;
import io.rocketcri.cri.api.UpdateRuntimeConfigResponse;
import io.rocketcri.cri.api.VersionRequest;
import io.rocketcri.cri.api.VersionResponse;
import io.rocketcri.node.NodeStatusService;

import org.springframework.stereotype.Service;

/**
 * CRI RuntimeService: each method maps the request, makes one call into a capability and maps the
 * answer back. RPCs not built yet fall through to the generated base class, which answers
 * UNIMPLEMENTED naming the method.
 */
@Service
class CriRuntimeService extends RuntimeServiceGrpc.RuntimeServiceImplBase {

	/** The CRI version string kubelet checks; the wire contract is kubernetes/cri-api v0.36.3. */
	static final String KUBE_API_VERSION = "0.1.0";

	private final NodeStatusService node;

	private final StatusMapper statusMapper;

	CriRuntimeService(NodeStatusService node, StatusMapper statusMapper) {
		this.node = node;
		this.statusMapper = statusMapper;
	}

	@Override
	public void version(VersionRequest request, StreamObserver<VersionResponse> response) {
		Calls.reply(response, () -> VersionResponse.newBuilder()
			.setVersion(KUBE_API_VERSION)
			.setRuntimeName(NodeStatusService.RUNTIME_NAME)
			.setRuntimeVersion(node.runtimeVersion())
			.setRuntimeApiVersion(NodeStatusService.RUNTIME_API_VERSION)
			.build());
	}

	@Override
	public void status(StatusRequest request, StreamObserver<StatusResponse> response) {
		Calls.reply(response, () -> statusMapper.toResponse(node.conditions(),
				request.getVerbose() ? node.effectiveConfig() : null));
	}

	@Override
	public void runtimeConfig(RuntimeConfigRequest request, StreamObserver<RuntimeConfigResponse> response) {
		Calls.reply(response, () -> RuntimeConfigResponse.newBuilder()
			.setLinux(LinuxRuntimeConfiguration.newBuilder()
				.setCgroupDriver("systemd".equals(node.cgroupDriver()) ? CgroupDriver.SYSTEMD : CgroupDriver.CGROUPFS))
			.build());
	}

	@Override
	public void updateRuntimeConfig(UpdateRuntimeConfigRequest request,
			StreamObserver<UpdateRuntimeConfigResponse> response) {
		Calls.reply(response, () -> {
			node.updatePodCidr(request.getRuntimeConfig().getNetworkConfig().getPodCidr());
			return UpdateRuntimeConfigResponse.getDefaultInstance();
		});
	}

}
