package io.rocketcri.cri;

import java.util.concurrent.TimeUnit;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.stereotype.Component;

/**
 * Times every CRI call and counts failures, by operation (the RPC's name, e.g. RunPodSandbox)
 * and gRPC status code: {@code rocket_cri_operation_duration_seconds} (a histogram) and
 * {@code rocket_cri_operation_errors_total}. Outermost interceptor, so that calls the readiness
 * gate refuses are counted too. A stream (GetContainerEvents) is timed from open to close.
 */
@Component
@GlobalServerInterceptor
@Order(Ordered.HIGHEST_PRECEDENCE)
class CriMetricsInterceptor implements ServerInterceptor {

	static final String DURATION = "rocket.cri.operation.duration";

	static final String ERRORS = "rocket.cri.operation.errors";

	private final MeterRegistry registry;

	CriMetricsInterceptor(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
			ServerCallHandler<Q, R> next) {
		String service = call.getMethodDescriptor().getServiceName();
		String operation = call.getMethodDescriptor().getBareMethodName();
		long start = System.nanoTime();
		ServerCall<Q, R> timed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
			@Override
			public void close(Status status, Metadata trailers) {
				record(service, operation, status, System.nanoTime() - start);
				super.close(status, trailers);
			}
		};
		return next.startCall(timed, headers);
	}

	private void record(String service, String operation, Status status, long nanos) {
		String code = status.getCode().name();
		Timer.builder(DURATION)
			.description("Time to answer a CRI call")
			.tag("service", service == null ? "" : service)
			.tag("operation", operation == null ? "" : operation)
			.tag("code", code)
			.publishPercentileHistogram()
			.register(registry)
			.record(nanos, TimeUnit.NANOSECONDS);
		if (!status.isOk()) {
			Counter.builder(ERRORS)
				.description("CRI calls answered with an error")
				.tag("operation", operation == null ? "" : operation)
				.tag("code", code)
				.register(registry)
				.increment();
		}
	}

}
