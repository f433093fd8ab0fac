package io.rocketcri.cri;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import io.grpc.stub.StreamObserver;

/**
 * Completes a unary call with the supplier's answer, or fails it. Failures are rethrown so that
 * the gRPC exception handler ({@link CriErrorMapping}) turns them into a status in one place.
 */
final class Calls {

	private Calls() {
	}

	/** Items per message on the Stream* list RPCs: well under the 16 MiB message limit. */
	static final int STREAM_BATCH = 500;

	/**
	 * Answers a Stream* list RPC: the items in batches, at least one message (an empty list is an
	 * empty message, so the client sees a complete answer rather than nothing), then the end.
	 */
	static <T, R> void stream(StreamObserver<R> observer, Supplier<List<T>> items,
			Function<List<T>, R> toResponse) {
		List<T> all = items.get();
		int i = 0;
		do {
			observer.onNext(toResponse.apply(all.subList(i, Math.min(all.size(), i + STREAM_BATCH))));
			i += STREAM_BATCH;
		}
		while (i < all.size());
		observer.onCompleted();
	}

	static <T> void reply(StreamObserver<T> observer, Supplier<T> answer) {
		T value = answer.get();
		observer.onNext(value);
		observer.onCompleted();
	}

}
