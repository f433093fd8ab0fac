package io.rocketcri.store;

/** One piece of start-up work that must finish before the runtime answers CRI calls. */
public interface BootStep {

	String name();

	void run();

}
