package io.rocketcri.cri;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.rocketcri.store.BootGate;

import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.stereotype.Component;

/** Answers UNAVAILABLE until boot reconciliation is done, so kubelet retries instead of trusting a half-loaded store. */
@Component
@GlobalServerInterceptor
class ReadinessInterceptor implements ServerInterceptor {

	private final BootGate gate;

	ReadinessInterceptor(BootGate gate) {
		this.gate = gate;
	}

	@Override
	public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
			ServerCallHandler<Q, R> next) {
		if (!gate.isOpen() && call.getMethodDescriptor().getFullMethodName().startsWith("runtime.v1.")) {
			call.close(Status.UNAVAILABLE.withDescription("rocket-cri is starting: state not yet reconciled"),
					new Metadata());
			return new ServerCall.Listener<>() {
			};
		}
		return next.startCall(call, headers);
	}

}
