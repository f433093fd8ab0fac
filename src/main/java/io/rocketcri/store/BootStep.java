package io.rocketcri.store;

/** One piece of start-up work that must finish before the runtime answers CRI calls. */
public interface BootStep {

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
