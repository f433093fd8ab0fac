package io.rocketcri.engine;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * How the engine makes one libc call through the FFM API: a confined arena for the call's memory,
 * freed when it returns, and the segment the linker captures errno into.
 */
public final class NativeCalls {

	/** The layout of the captured call state (errno); pass {@code Linker.Option.captureCallState("errno")}. */
	public static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();

	private NativeCalls() {
	}

	/** One native call, given its arena and the errno capture segment. */
	@FunctionalInterface
	public interface NativeCall<T> {

		T invoke(Arena arena, MemorySegment errnoState) throws Throwable;

	}

	public static <T> T call(NativeCall<T> call) throws IOException {
		try (Arena arena = Arena.ofConfined()) {
			return call.invoke(arena, arena.allocate(CAPTURE_LAYOUT));
		}
		catch (IOException | RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			// invokeExact declares Throwable; a libc function throws nothing checked
			throw new IllegalStateException("native call failed unexpectedly", ex);
		}
	}

}
