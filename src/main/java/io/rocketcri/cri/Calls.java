package io.rocketcri.cri;

import java.util.function.Supplier;

import io.grpc.stub.StreamObserver;

/**
 * Completes a unary call with the supplier's answer, or fails it. Failures are rethrown so that
 * the gRPC exception handler ({@link CriErrorMapping}) turns them into a status in one place.
 */
final class Calls {

	private Calls() {
	}

	static <T> void reply(StreamObserver<T> observer, Supplier<T> answer) {
		T value = answer.get();
		observer.onNext(value);
		observer.onCompleted();
	}

}
