package io.rocketcri.store;

/** One piece of start-up work that must finish before the runtime answers CRI calls. */
public interface BootStep {

	/** Orders of the steps ({@code @Order} on their beans): images, then pods and containers, then garbage. */
	int LOAD_IMAGES = 100;

	int LOAD_PODS_AND_CONTAINERS = 200;

	/** Needs every image and container loaded: it deletes what none of them references. */
	int COLLECT_GARBAGE = 300;

	String name();

	void run();

	static BootStep of(String name, Runnable work) {
		return new BootStep() {
			@Override
			public String name() {
				return name;
			}

			@Override
			public void run() {
				work.run();
			}
		};
	}

}
