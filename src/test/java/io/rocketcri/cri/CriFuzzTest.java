package io.rocketcri.cri;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.rocketcri.cri.api.ContainerConfig;
import io.rocketcri.cri.api.ContainerMetadata;
import io.rocketcri.cri.api.CreateContainerRequest;
import io.rocketcri.cri.api.ImageServiceGrpc;
import io.rocketcri.cri.api.ImageSpec;
import io.rocketcri.cri.api.LinuxPodSandboxConfig;
import io.rocketcri.cri.api.ListPodSandboxRequest;
import io.rocketcri.cri.api.PodSandboxConfig;
import io.rocketcri.cri.api.PodSandboxMetadata;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.cri.api.RemovePodSandboxRequest;
import io.rocketcri.cri.api.RunPodSandboxRequest;
import io.rocketcri.cri.api.RuntimeServiceGrpc;
import io.rocketcri.cri.api.StartContainerRequest;
import io.rocketcri.cri.api.StopPodSandboxRequest;
import io.rocketcri.cri.api.VersionRequest;
import io.rocketcri.engine.FakeHostOs;
import io.rocketcri.engine.HostOs;
import io.rocketcri.engine.ns.FakeNamespacePinner;
import io.rocketcri.engine.ns.NamespacePinner;
import io.rocketcri.engine.oci.FakeOciRuntime;
import io.rocketcri.engine.oci.OciRuntime;
import io.rocketcri.network.FakePodNetwork;
import io.rocketcri.network.PodNetwork;
import io.rocketcri.testsupport.CriSocketClient;
import io.rocketcri.testsupport.OciImageBuilder;
import io.rocketcri.testsupport.RuntimeUnderTest;
import io.rocketcri.testsupport.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated requests for every RPC of both CRI services, over the real socket, against the real
 * adapters and services with the host faked (mounts, OCI runtime, namespace pins, CNI), so it
 * runs without root. Requests are built from the proto descriptors: every field set or left out
 * at random, strings from a hostile palette (path separators, {@code ..}, control characters,
 * 70 KB strings), unknown enum numbers, huge maps, log paths leaving the log directory; ids are
 * often real ones, so calls get past the lookups. Every answer must be a clean status (never
 * INTERNAL or UNKNOWN), the runtime must still answer afterwards, and nothing may appear outside
 * its temp roots. The seed is printed; {@code -Dfuzz.seed=} repeats a run, {@code -Dfuzz.calls=}
 * sets its length.
 */
@SpringBootTest
class CriFuzzTest {

	static final RuntimeUnderTest runtime = new RuntimeUnderTest("fuzz");

	/** Appears in generated names and paths, so that a file the runtime wrongly made can be found by name. */
	static final String MARKER = "rcrifuzz" + ProcessHandle.current().pid();

	static final Set<Status.Code> CLEAN = EnumSet.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND,
			Status.Code.FAILED_PRECONDITION, Status.Code.ALREADY_EXISTS, Status.Code.UNAVAILABLE,
			Status.Code.UNAUTHENTICATED, Status.Code.RESOURCE_EXHAUSTED, Status.Code.UNIMPLEMENTED,
			Status.Code.OUT_OF_RANGE);

	static final List<String> PALETTE = List.of("", " ", ".", "..", "../..", "../../../etc/" + MARKER, "a/b", "/",
			"/etc/" + MARKER, "/tmp/" + MARKER + "/x", "x\u0000y", "\n", "\t", "%s%n%x", "ü\u202e", "-", "--help", "*",
			"$(touch /tmp/" + MARKER + ")", "; rm -rf /", "UPPER", "a:b", "sha256:" + "f".repeat(64), "sha256:zz",
			"127.0.0.1:1/x", "localhost/" + MARKER, MARKER, "0", "-1", "4294967296", "SIGKILL", "RuntimeDefault",
			"localhost/../../" + MARKER, "unconfined", "NET_ADMIN", "ALL", "/dev/null", "/proc/self/root");

	static CriSocketClient client;

	static EventLoopGroup group;

	static ManagedChannel channel;

	static String image;

	static final List<String> podIds = new ArrayList<>();

	static final List<String> containerIds = new ArrayList<>();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		runtime.register(registry);
		TestRegistry testRegistry = TestRegistry.shared();
		runtime.trustRegistry(testRegistry.address());
		image = testRegistry.pusher().push(OciImageBuilder.busybox().build(), TestRegistry.uniqueRepository("fuzz"), "v1")
			.reference();
	}

	/** The host, faked: nothing here mounts, pins, runs runc or calls CNI plugins. */
	@TestConfiguration(proxyBeanMethods = false)
	static class FakeHost {

		@Bean
		@Primary
		HostOs fakeHostOs() {
			return new FakeHostOs();
		}

		@Bean
		@Primary
		OciRuntime fakeOciRuntime() {
			return new FakeOciRuntime();
		}

		@Bean
		@Primary
		NamespacePinner fakeNamespacePinner() {
			return new FakeNamespacePinner(runtime.state().resolve("fake-ns"));
		}

		@Bean
		@Primary
		PodNetwork fakePodNetwork() {
			return new FakePodNetwork();
		}

	}

	@BeforeAll
	static void connect() {
		client = new CriSocketClient(runtime.socket());
		group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
		channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(runtime.socket().toString()))
			.channelType(EpollDomainSocketChannel.class)
			.eventLoopGroup(group)
			.usePlaintext()
			.maxInboundMessageSize(64 << 20)
			.build();
	}

	@AfterAll
	static void disconnect() throws Exception {
		channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
		client.close();
	}

	@Test
	void generatedRequestsForEveryRpcGetCleanAnswersAndWriteNothingOutside() throws Exception {
		long seed = Long.getLong("fuzz.seed", System.nanoTime());
		int calls = Integer.getInteger("fuzz.calls", 2000);
		System.out.println("[fuzz] seed " + seed + " (-Dfuzz.seed=" + seed + " repeats this run), " + calls + " calls");
		Random random = new Random(seed);
		Map<String, Set<String>> before = watched();

		List<MethodDescriptor<?, ?>> methods = new ArrayList<>();
		for (ServiceDescriptor service : List.of(RuntimeServiceGrpc.getServiceDescriptor(),
				ImageServiceGrpc.getServiceDescriptor())) {
			service.getMethods().forEach(methods::add);
		}
		Map<String, Integer> codes = new TreeMap<>();
		List<String> unclean = new ArrayList<>();
		for (int i = 0; i < calls; i++) {
			@SuppressWarnings("unchecked")
			MethodDescriptor<Message, Message> method = (MethodDescriptor<Message, Message>) methods.get(i % methods.size());
			Message prototype = (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller())
				.getMessagePrototype();
			if (i % 250 == 0) {
				seedObjects(i); // earlier calls remove them: keep real ids to aim at
			}
			Message.Builder builder = prototype.newBuilderForType();
			fill(builder, random, 0);
			Message request = random.nextBoolean() ? repaired(builder.build(), random) : builder.build();
			Status.Code code = call(method, request);
			codes.merge(method.getBareMethodName() + " " + code, 1, Integer::sum);
			boolean events = method.getBareMethodName().equals("GetContainerEvents");
			if (!CLEAN.contains(code) && !(events && code == Status.Code.DEADLINE_EXCEEDED)) {
				unclean.add("call " + i + " " + method.getBareMethodName() + " → " + code + ": " + abbreviate(request));
			}
		}
		codes.forEach((k, v) -> System.out.println("[fuzz] " + k + ": " + v));

		assertThat(unclean).as("answers that are not a clean status (seed %d)", seed).isEmpty();
		assertThat(client.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName()).isEqualTo("rocket-cri");
		removeAllPods();
		Map<String, Set<String>> after = watched();
		List<String> appeared = new ArrayList<>();
		after.forEach((dir, files) -> files.stream().filter(f -> !before.getOrDefault(dir, Set.of()).contains(f))
			.filter(f -> f.contains(MARKER) || dir.equals("/etc")).forEach(f -> appeared.add(f)));
		assertThat(appeared).as("files that appeared outside the runtime's roots (seed %d)", seed).isEmpty();
	}

	/**
	 * Half the RunPodSandbox and CreateContainer requests get valid metadata, a real pod and image,
	 * so that they get past the first checks and the rest of their hostile fields are reached.
	 */
	private static Message repaired(Message request, Random random) {
		if (request instanceof RunPodSandboxRequest run) {
			PodSandboxConfig.Builder config = run.getConfig().toBuilder()
				.setMetadata(validPodMetadata(random))
				.clearPortMappings();
			config.getLinuxBuilder().clearSysctls();
			return run.toBuilder().setConfig(config).build();
		}
		if (request instanceof CreateContainerRequest create && !podIds.isEmpty()) {
			ContainerConfig.Builder config = create.getConfig().toBuilder()
				.setMetadata(ContainerMetadata.newBuilder().setName("c" + random.nextInt(1_000_000)))
				.setImage(ImageSpec.newBuilder().setImage(image));
			PodSandboxConfig sandbox = create.getSandboxConfig().toBuilder().setMetadata(validPodMetadata(random)).build();
			return create.toBuilder()
				.setPodSandboxId(podIds.get(random.nextInt(podIds.size())))
				.setConfig(config)
				.setSandboxConfig(sandbox)
				.build();
		}
		return request;
	}

	private static PodSandboxMetadata validPodMetadata(Random random) {
		int n = random.nextInt(1_000_000);
		return PodSandboxMetadata.newBuilder().setName(MARKER + "-" + n).setNamespace("fuzz").setUid("uid-" + n).build();
	}

	/** A few real pods and containers, so that generated ids often name something. */
	private static void seedObjects(int round) {
		// generated RemoveImage calls name it too
		client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
		for (int i = 0; i < 3; i++) {
			String name = "fuzz-" + round + "-" + i;
			PodSandboxConfig pod = PodSandboxConfig.newBuilder()
				.setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("fuzz").setUid("uid-" + name))
				.setLogDirectory(runtime.root().getParent().resolve("logs/" + name).toString())
				.setLinux(LinuxPodSandboxConfig.getDefaultInstance())
				.build();
			String podId = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())
				.getPodSandboxId();
			podIds.add(podId);
			String containerId = client.runtime().createContainer(CreateContainerRequest.newBuilder()
				.setPodSandboxId(podId)
				.setSandboxConfig(pod)
				.setConfig(ContainerConfig.newBuilder()
					.setMetadata(ContainerMetadata.newBuilder().setName("c"))
					.setImage(ImageSpec.newBuilder().setImage(image))
					.addCommand("sleep")
					.setLogPath("c.log"))
				.build()).getContainerId();
			if (i > 0) {
				client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
			}
			containerIds.add(containerId);
		}
	}

	private static void removeAllPods() {
		for (var pod : client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
			client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod.getId()).build());
			client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod.getId()).build());
		}
	}

	private static Status.Code call(MethodDescriptor<Message, Message> method, Message request) {
		CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
		try {
			if (method.getType() == MethodDescriptor.MethodType.UNARY) {
				ClientCalls.blockingUnaryCall(channel, method, options, request);
			}
			else {
				// server streaming: read a little; the events stream never ends by itself
				Iterator<Message> answers = ClientCalls.blockingServerStreamingCall(channel, method,
						method.getBareMethodName().equals("GetContainerEvents")
								? options.withDeadlineAfter(200, TimeUnit.MILLISECONDS) : options,
						request);
				for (int n = 0; n < 1000 && answers.hasNext(); n++) {
					answers.next();
				}
			}
			return Status.Code.OK;
		}
		catch (StatusRuntimeException ex) {
			return ex.getStatus().getCode();
		}
	}

	/** Sets (or leaves out) each field of {@code builder} at random, recursively. */
	private static void fill(Message.Builder builder, Random random, int depth) {
		for (FieldDescriptor field : builder.getDescriptorForType().getFields()) {
			if (random.nextInt(4) == 0) {
				continue; // missing, required or not
			}
			if (field.isRepeated()) {
				int n = size(random);
				for (int i = 0; i < n; i++) {
					Object value = value(builder, field, random, depth);
					if (value != null) {
						builder.addRepeatedField(field, value);
					}
				}
			}
			else {
				Object value = value(builder, field, random, depth);
				if (value != null) {
					builder.setField(field, value);
				}
			}
		}
	}

	/** Mostly a few elements, sometimes thousands (huge label maps, env lists, mounts). */
	private static int size(Random random) {
		int roll = random.nextInt(100);
		return roll < 85 ? random.nextInt(4) : roll < 97 ? 5 + random.nextInt(50) : 1000 + random.nextInt(4000);
	}

	private static Object value(Message.Builder builder, FieldDescriptor field, Random random, int depth) {
		return switch (field.getJavaType()) {
			case STRING -> string(field.getName(), random);
			case INT -> switch (random.nextInt(5)) {
				case 0 -> -1 - random.nextInt(1000);
				case 1 -> Integer.MAX_VALUE;
				case 2 -> Integer.MIN_VALUE;
				default -> random.nextInt(100);
			};
			case LONG -> switch (random.nextInt(5)) {
				case 0 -> -1L - random.nextInt(1000);
				case 1 -> Long.MAX_VALUE;
				case 2 -> Long.MIN_VALUE;
				default -> (long) random.nextInt(100_000);
			};
			case BOOLEAN -> random.nextBoolean();
			case FLOAT -> random.nextBoolean() ? Float.NaN : random.nextFloat() * 1e9f - 5e8f;
			case DOUBLE -> random.nextBoolean() ? Double.NEGATIVE_INFINITY : random.nextDouble() * 1e12;
			case BYTE_STRING -> {
				byte[] bytes = new byte[random.nextInt(10) == 0 ? 70_000 : random.nextInt(64)];
				random.nextBytes(bytes);
				yield ByteString.copyFrom(bytes);
			}
			case ENUM -> {
				var values = field.getEnumType().getValues();
				yield random.nextInt(3) == 0
						? field.getEnumType().findValueByNumberCreatingIfUnknown(values.size() + random.nextInt(1000))
						: values.get(random.nextInt(values.size()));
			}
			case MESSAGE -> {
				if (depth > 5) {
					yield null;
				}
				Message.Builder nested = builder.newBuilderForField(field);
				fill(nested, random, depth + 1);
				yield nested.build();
			}
		};
	}

	/** Real ids and images half the time for fields that name them; otherwise hostile strings. */
	private static String string(String fieldName, Random random) {
		if ((fieldName.equals("pod_sandbox_id") || fieldName.equals("id") && random.nextBoolean())
				&& random.nextBoolean()) {
			return podIds.get(random.nextInt(podIds.size()));
		}
		if (fieldName.equals("container_id") && random.nextInt(3) > 0 || fieldName.equals("id") && random.nextBoolean()) {
			return containerIds.get(random.nextInt(containerIds.size()));
		}
		if (fieldName.equals("image") && random.nextBoolean()) {
			return image;
		}
		if (fieldName.equals("log_directory") && random.nextBoolean()) {
			return runtime.root().getParent().resolve("logs").resolve(MARKER).toString();
		}
		int roll = random.nextInt(100);
		if (roll < 70) {
			return PALETTE.get(random.nextInt(PALETTE.size()));
		}
		if (roll < 95) {
			StringBuilder s = new StringBuilder();
			int n = random.nextInt(40);
			for (int i = 0; i < n; i++) {
				s.appendCodePoint(random.nextInt(10) == 0 ? random.nextInt(0x1_0000) : 0x20 + random.nextInt(0x5f));
			}
			return s.toString();
		}
		return MARKER + "x".repeat(1000 + random.nextInt(70_000));
	}

	private static String abbreviate(Message request) {
		String text = request.toString().replace('\n', ' ');
		return text.length() > 300 ? text.substring(0, 300) + "…" : text;
	}

	/**
	 * Names below the directories a runtime writing outside its roots would hit: /etc in full, the
	 * top of /, /tmp, /root, /var/log and /run (other test runs change those concurrently, so only
	 * names carrying the marker count there).
	 */
	private static Map<String, Set<String>> watched() throws IOException {
		Map<String, Set<String>> found = new TreeMap<>();
		found.put("/etc", walk(Path.of("/etc"), 20));
		for (String dir : List.of("/", "/tmp", "/root", "/var/log", "/run", "/var/lib")) {
			found.put(dir, walk(Path.of(dir), 2));
		}
		return found;
	}

	private static Set<String> walk(Path dir, int depth) throws IOException {
		Set<String> names = new TreeSet<>();
		if (!Files.isDirectory(dir)) {
			return names;
		}
		Path ours = runtime.root().getParent();
		Files.walkFileTree(dir, Set.of(), depth, new SimpleFileVisitor<>() {
			@Override
			public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
				if (d.startsWith(ours) || d.startsWith("/proc") || d.startsWith("/sys")) {
					return FileVisitResult.SKIP_SUBTREE;
				}
				names.add(d.toString());
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
				names.add(file.toString());
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFileFailed(Path file, IOException ex) {
				return FileVisitResult.CONTINUE;
			}
		});
		return names;
	}

}
