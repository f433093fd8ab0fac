package io.rocketcri.cri;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.rocketcri.container.Container;
import io.rocketcri.container.ContainerService;
import io.rocketcri.cri.api.AttachRequest;
import io.rocketcri.cri.api.AttachResponse;
import io.rocketcri.cri.api.CgroupDriver;
import io.rocketcri.cri.api.ContainerEventResponse;
import io.rocketcri.cri.api.ContainerStatsRequest;
import io.rocketcri.cri.api.ContainerStatsResponse;
import io.rocketcri.cri.api.ContainerStatusRequest;
import io.rocketcri.cri.api.ContainerStatusResponse;
import io.rocketcri.cri.api.CreateContainerRequest;
import io.rocketcri.cri.api.CreateContainerResponse;
import io.rocketcri.cri.api.ExecRequest;
import io.rocketcri.cri.api.ExecResponse;
import io.rocketcri.cri.api.ExecSyncRequest;
import io.rocketcri.cri.api.ExecSyncResponse;
import io.rocketcri.cri.api.GetEventsRequest;
import io.rocketcri.cri.api.LinuxRuntimeConfiguration;
import io.rocketcri.cri.api.ListContainerStatsRequest;
import io.rocketcri.cri.api.ListContainerStatsResponse;
import io.rocketcri.cri.api.ListContainersRequest;
import io.rocketcri.cri.api.ListContainersResponse;
import io.rocketcri.cri.api.ListMetricDescriptorsRequest;
import io.rocketcri.cri.api.ListMetricDescriptorsResponse;
import io.rocketcri.cri.api.ListPodSandboxMetricsRequest;
import io.rocketcri.cri.api.ListPodSandboxMetricsResponse;
import io.rocketcri.cri.api.ListPodSandboxRequest;
import io.rocketcri.cri.api.ListPodSandboxResponse;
import io.rocketcri.cri.api.ListPodSandboxStatsRequest;
import io.rocketcri.cri.api.ListPodSandboxStatsResponse;
import io.rocketcri.cri.api.PodSandboxStatsRequest;
import io.rocketcri.cri.api.PodSandboxStatsResponse;
import io.rocketcri.cri.api.PodSandboxStatusRequest;
import io.rocketcri.cri.api.PodSandboxStatusResponse;
import io.rocketcri.cri.api.PortForwardRequest;
import io.rocketcri.cri.api.PortForwardResponse;
import io.rocketcri.cri.api.RemoveContainerRequest;
import io.rocketcri.cri.api.RemoveContainerResponse;
import io.rocketcri.cri.api.RemovePodSandboxRequest;
import io.rocketcri.cri.api.RemovePodSandboxResponse;
import io.rocketcri.cri.api.ReopenContainerLogRequest;
import io.rocketcri.cri.api.ReopenContainerLogResponse;
import io.rocketcri.cri.api.RunPodSandboxRequest;
import io.rocketcri.cri.api.RunPodSandboxResponse;
import io.rocketcri.cri.api.RuntimeConfigRequest;
import io.rocketcri.cri.api.RuntimeConfigResponse;
import io.rocketcri.cri.api.RuntimeServiceGrpc;
import io.rocketcri.cri.api.StartContainerRequest;
import io.rocketcri.cri.api.StartContainerResponse;
import io.rocketcri.cri.api.StatusRequest;
import io.rocketcri.cri.api.StatusResponse;
import io.rocketcri.cri.api.StopContainerRequest;
import io.rocketcri.cri.api.StopContainerResponse;
import io.rocketcri.cri.api.StopPodSandboxRequest;
import io.rocketcri.cri.api.StopPodSandboxResponse;
import io.rocketcri.cri.api.StreamContainerStatsRequest;
import io.rocketcri.cri.api.StreamContainerStatsResponse;
import io.rocketcri.cri.api.StreamContainersRequest;
import io.rocketcri.cri.api.StreamContainersResponse;
import io.rocketcri.cri.api.StreamPodSandboxMetricsRequest;
import io.rocketcri.cri.api.StreamPodSandboxMetricsResponse;
import io.rocketcri.cri.api.StreamPodSandboxStatsRequest;
import io.rocketcri.cri.api.StreamPodSandboxStatsResponse;
import io.rocketcri.cri.api.StreamPodSandboxesRequest;
import io.rocketcri.cri.api.StreamPodSandboxesResponse;
import io.rocketcri.cri.api.UpdateContainerResourcesRequest;
import io.rocketcri.cri.api.UpdateContainerResourcesResponse;
import io.rocketcri.cri.api.UpdateRuntimeConfigRequest;
import io.rocketcri.cri.api.UpdateRuntimeConfigResponse;
import io.rocketcri.cri.api.VersionRequest;
import io.rocketcri.cri.api.VersionResponse;
import io.rocketcri.failure.DeadlineExceeded;
import io.rocketcri.image.ImageRecord;
import io.rocketcri.image.ImageService;
import io.rocketcri.node.NodeStatusService;
import io.rocketcri.pod.PodSandbox;
import io.rocketcri.pod.PodSandboxService;
import io.rocketcri.stats.ContainerStatsService;
import io.rocketcri.stats.PodMetricsService;
import io.rocketcri.stats.PodStatsService;
import io.rocketcri.streaming.StreamingService;

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

	private final PodSandboxService pods;

	private final ContainerService containers;

	private final ImageService images;

	private final PodMapper podMapper;

	private final ContainerMapper containerMapper;

	private final ListAnswers<Container, ImageRecord, ListContainersResponse> containerList = new ListAnswers<>(
			Container::id, ListContainersResponse::newBuilder, ListContainersResponse.CONTAINERS_FIELD_NUMBER);

	/** One instance, not a lambda made per container on each relist (C1 does not elide it). */
	private final java.util.function.Function<String, ImageRecord> imageById = this::imageOrNull;

	private ImageRecord imageOrNull(String id) {
		return images.byId(id).orElse(null);
	}

	private final ListAnswers<io.rocketcri.pod.PodSandbox, Void, ListPodSandboxResponse> podList = new ListAnswers<>(
			io.rocketcri.pod.PodSandbox::id, ListPodSandboxResponse::newBuilder, ListPodSandboxResponse.ITEMS_FIELD_NUMBER);

	private final ContainerStatsService stats;

	private final StatsMapper statsMapper;

	private final PodStatsService podStats;

	private final PodMetricsService podMetrics;

	private final ContainerEventStream events;

	private final StreamingService streaming;

	CriRuntimeService(NodeStatusService node, StatusMapper statusMapper, PodSandboxService pods,
			ContainerService containers, ImageService images, PodMapper podMapper, ContainerMapper containerMapper,
			ContainerStatsService stats, StatsMapper statsMapper, PodStatsService podStats,
			PodMetricsService podMetrics, ContainerEventStream events, StreamingService streaming) {
		this.events = events;
		this.podStats = podStats;
		this.podMetrics = podMetrics;
		this.streaming = streaming;
		this.stats = stats;
		this.statsMapper = statsMapper;
		this.node = node;
		this.statusMapper = statusMapper;
		this.pods = pods;
		this.containers = containers;
		this.images = images;
		this.podMapper = podMapper;
		this.containerMapper = containerMapper;
	}

	@Override
	public void containerStats(ContainerStatsRequest request, StreamObserver<ContainerStatsResponse> response) {
		Calls.reply(response, () -> ContainerStatsResponse.newBuilder()
			.setStats(statsMapper.toProto(stats.stats(request.getContainerId())))
			.build());
	}

	@Override
	public void listContainerStats(ListContainerStatsRequest request, StreamObserver<ListContainerStatsResponse> response) {
		Calls.reply(response, () -> ListContainerStatsResponse.newBuilder()
			.addAllStats(stats.list(statsMapper.filter(request.getFilter())).stream().map(statsMapper::toProto).toList())
			.build());
	}

	@Override
	public void podSandboxStats(PodSandboxStatsRequest request, StreamObserver<PodSandboxStatsResponse> response) {
		Calls.reply(response, () -> PodSandboxStatsResponse.newBuilder()
			.setStats(statsMapper.toProto(podStats.stats(request.getPodSandboxId())))
			.build());
	}

	@Override
	public void listPodSandboxStats(ListPodSandboxStatsRequest request,
			StreamObserver<ListPodSandboxStatsResponse> response) {
		Calls.reply(response, () -> ListPodSandboxStatsResponse.newBuilder()
			.addAllStats(podStats.list(request.getFilter().getId(), request.getFilter().getLabelSelectorMap())
				.stream()
				.map(statsMapper::toProto)
				.toList())
			.build());
	}

	@Override
	public void listMetricDescriptors(ListMetricDescriptorsRequest request,
			StreamObserver<ListMetricDescriptorsResponse> response) {
		Calls.reply(response, () -> ListMetricDescriptorsResponse.newBuilder()
			.addAllDescriptors(podMetrics.descriptors().stream().map(statsMapper::toProto).toList())
			.build());
	}

	@Override
	public void listPodSandboxMetrics(ListPodSandboxMetricsRequest request,
			StreamObserver<ListPodSandboxMetricsResponse> response) {
		Calls.reply(response, () -> ListPodSandboxMetricsResponse.newBuilder()
			.addAllPodMetrics(podMetrics.metrics().stream().map(statsMapper::toProto).toList())
			.build());
	}

	@Override
	public void streamPodSandboxes(StreamPodSandboxesRequest request, StreamObserver<StreamPodSandboxesResponse> response) {
		Calls.stream(response, () -> pods.list(podMapper.filter(request.getFilter())),
				batch -> StreamPodSandboxesResponse.newBuilder()
					.addAllPodSandboxes(batch.stream().map(podMapper::toListItem).toList())
					.build());
	}

	@Override
	public void streamContainers(StreamContainersRequest request, StreamObserver<StreamContainersResponse> response) {
		Calls.stream(response, () -> containers.list(containerMapper.filter(request.getFilter())),
				batch -> StreamContainersResponse.newBuilder()
					.addAllContainers(batch.stream()
						.map(c -> containerMapper.toListItem(c, images.byId(c.imageId()).orElse(null)))
						.toList())
					.build());
	}

	@Override
	public void streamContainerStats(StreamContainerStatsRequest request,
			StreamObserver<StreamContainerStatsResponse> response) {
		Calls.stream(response, () -> stats.list(statsMapper.filter(request.getFilter())),
				batch -> StreamContainerStatsResponse.newBuilder()
					.addAllContainerStats(batch.stream().map(statsMapper::toProto).toList())
					.build());
	}

	@Override
	public void streamPodSandboxStats(StreamPodSandboxStatsRequest request,
			StreamObserver<StreamPodSandboxStatsResponse> response) {
		Calls.stream(response,
				() -> podStats.list(request.getFilter().getId(), request.getFilter().getLabelSelectorMap()),
				batch -> StreamPodSandboxStatsResponse.newBuilder()
					.addAllPodSandboxStats(batch.stream().map(statsMapper::toProto).toList())
					.build());
	}

	@Override
	public void streamPodSandboxMetrics(StreamPodSandboxMetricsRequest request,
			StreamObserver<StreamPodSandboxMetricsResponse> response) {
		Calls.stream(response, podMetrics::metrics,
				batch -> StreamPodSandboxMetricsResponse.newBuilder()
					.addAllPodSandboxMetrics(batch.stream().map(statsMapper::toProto).toList())
					.build());
	}

	@Override
	public void getContainerEvents(GetEventsRequest request, StreamObserver<ContainerEventResponse> response) {
		events.serve(response);
	}

	@Override
	public void runPodSandbox(RunPodSandboxRequest request, StreamObserver<RunPodSandboxResponse> response) {
		Calls.reply(response, () -> RunPodSandboxResponse.newBuilder()
			.setPodSandboxId(pods.run(request.getConfig(), request.getRuntimeHandler()))
			.build());
	}

	@Override
	public void stopPodSandbox(StopPodSandboxRequest request, StreamObserver<StopPodSandboxResponse> response) {
		Calls.reply(response, () -> {
			pods.stop(request.getPodSandboxId());
			return StopPodSandboxResponse.getDefaultInstance();
		});
	}

	@Override
	public void removePodSandbox(RemovePodSandboxRequest request, StreamObserver<RemovePodSandboxResponse> response) {
		Calls.reply(response, () -> {
			pods.remove(request.getPodSandboxId());
			return RemovePodSandboxResponse.getDefaultInstance();
		});
	}

	@Override
	public void podSandboxStatus(PodSandboxStatusRequest request, StreamObserver<PodSandboxStatusResponse> response) {
		Calls.reply(response, () -> {
			PodSandbox pod = pods.get(request.getPodSandboxId());
			PodSandboxStatusResponse.Builder b = PodSandboxStatusResponse.newBuilder()
				.setStatus(podMapper.toStatus(pod))
				.setTimestamp(ContainerService.nowNanos());
			if (request.getVerbose()) {
				b.putAllInfo(podMapper.verboseInfo(pod, pods.resources(pod)));
			}
			return b.build();
		});
	}

	@Override
	public void listPodSandbox(ListPodSandboxRequest request, StreamObserver<ListPodSandboxResponse> response) {
		Calls.reply(response, () -> {
			boolean complete = !request.hasFilter()
					|| request.getFilter().equals(io.rocketcri.cri.api.PodSandboxFilter.getDefaultInstance());
			return podList.answer(pods.list(podMapper.filter(request.getFilter())), complete, p -> null,
					(p, none) -> podMapper.toListItem(p));
		});
	}

	@Override
	public void createContainer(CreateContainerRequest request, StreamObserver<CreateContainerResponse> response) {
		Calls.reply(response, () -> CreateContainerResponse.newBuilder()
			.setContainerId(containers.create(request.getPodSandboxId(), request.getConfig(), request.getSandboxConfig()))
			.build());
	}

	@Override
	public void startContainer(StartContainerRequest request, StreamObserver<StartContainerResponse> response) {
		Calls.reply(response, () -> {
			containers.start(request.getContainerId());
			return StartContainerResponse.getDefaultInstance();
		});
	}

	@Override
	public void stopContainer(StopContainerRequest request, StreamObserver<StopContainerResponse> response) {
		Calls.reply(response, () -> {
			containers.stop(request.getContainerId(), Duration.ofSeconds(Math.max(0, request.getTimeout())));
			return StopContainerResponse.getDefaultInstance();
		});
	}

	@Override
	public void removeContainer(RemoveContainerRequest request, StreamObserver<RemoveContainerResponse> response) {
		Calls.reply(response, () -> {
			containers.remove(request.getContainerId());
			return RemoveContainerResponse.getDefaultInstance();
		});
	}

	@Override
	public void listContainers(ListContainersRequest request, StreamObserver<ListContainersResponse> response) {
		Calls.reply(response, () -> {
			boolean complete = !request.hasFilter() || request.getFilter().equals(io.rocketcri.cri.api.ContainerFilter.getDefaultInstance());
			// one lookup per image, not per container: the nodes' containers share few images
			Map<String, ImageRecord> imagesById = new HashMap<>();
			return containerList.answer(containers.list(containerMapper.filter(request.getFilter())), complete,
					c -> imagesById.computeIfAbsent(c.imageId(), imageById),
					containerMapper::toListItem);
		});
	}

	@Override
	public void containerStatus(ContainerStatusRequest request, StreamObserver<ContainerStatusResponse> response) {
		Calls.reply(response, () -> {
			Container c = containers.status(request.getContainerId());
			ContainerStatusResponse.Builder b = ContainerStatusResponse.newBuilder()
				.setStatus(containerMapper.toStatus(c, images.byId(c.imageId()).orElse(null),
						containers.effectiveUser(c).orElse(null)));
			if (request.getVerbose()) {
				b.putAllInfo(containerMapper.verboseInfo(c, pods.engine(pods.get(c.podId())).paths(c.id())));
			}
			return b.build();
		});
	}

	@Override
	public void updateContainerResources(UpdateContainerResourcesRequest request,
			StreamObserver<UpdateContainerResourcesResponse> response) {
		Calls.reply(response, () -> {
			containers.updateResources(request.getContainerId(), request.getLinux());
			return UpdateContainerResourcesResponse.getDefaultInstance();
		});
	}

	@Override
	public void reopenContainerLog(ReopenContainerLogRequest request, StreamObserver<ReopenContainerLogResponse> response) {
		Calls.reply(response, () -> {
			containers.reopenLog(request.getContainerId());
			return ReopenContainerLogResponse.getDefaultInstance();
		});
	}

	@Override
	public void execSync(ExecSyncRequest request, StreamObserver<ExecSyncResponse> response) {
		Calls.reply(response, () -> {
			Duration timeout = Duration.ofSeconds(Math.max(0, request.getTimeout()));
			var out = containers.execSync(request.getContainerId(), request.getCmdList(), timeout);
			if (out.timedOut()) {
				throw new DeadlineExceeded("exec in container %s: command timed out after %ds"
					.formatted(request.getContainerId(), timeout.toSeconds()));
			}
			return ExecSyncResponse.newBuilder()
				.setStdout(ByteString.copyFrom(out.stdout()))
				.setStderr(ByteString.copyFrom(out.stderr()))
				.setExitCode(out.exitCode())
				.build();
		});
	}

	@Override
	public void exec(ExecRequest request, StreamObserver<ExecResponse> response) {
		Calls.reply(response, () -> ExecResponse.newBuilder()
			.setUrl(streaming.exec(request.getContainerId(), request.getCmdList(), request.getTty(), request.getStdin(),
					request.getStdout(), request.getStderr()))
			.build());
	}

	@Override
	public void attach(AttachRequest request, StreamObserver<AttachResponse> response) {
		Calls.reply(response, () -> AttachResponse.newBuilder()
			.setUrl(streaming.attach(request.getContainerId(), request.getTty(), request.getStdin(), request.getStdout(),
					request.getStderr()))
			.build());
	}

	@Override
	public void portForward(PortForwardRequest request, StreamObserver<PortForwardResponse> response) {
		Calls.reply(response, () -> PortForwardResponse.newBuilder()
			.setUrl(streaming.portForward(request.getPodSandboxId(), request.getPortList()))
			.build());
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
				request.getVerbose() ? node.effectiveConfig() : null, request.getVerbose() ? node.doctor() : null,
				node.recursiveReadOnlyMounts(), node.userNamespaces(), pods.availableHandlers()));
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
