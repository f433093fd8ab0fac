package io.rocketcri.store;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The JDK AOT cache's training run ({@code --rocket.aot-training=true}: the build, install.sh,
 * the node image) exits here, once rocket-cri is ready, so that the cache holds what a real start
 * loads up to the open CRI socket (the gRPC and HTTP servers, the boot sequence), not only the
 * application context's beans: about 0.25 s less to a ready socket than a training that stopped
 * after the context's refresh (docs/operations.md). The training uses throwaway root, state
 * and socket directories, so the boot sequence it runs finds nothing of the node's.
 */
@Component
class AotTrainingExit {

	private final ConfigurableApplicationContext context;

	private final boolean training;

	AotTrainingExit(ConfigurableApplicationContext context, @Value("${rocket.aot-training:false}") boolean training) {
		this.context = context;
		this.training = training;
	}

	/** Last of the ready listeners: the boot sequence and the console's first admin have run. */
	@EventListener(ApplicationReadyEvent.class)
	@Order(Ordered.LOWEST_PRECEDENCE)
	void exitIfTraining() {
		if (this.training) {
			System.exit(SpringApplication.exit(this.context));
		}
	}

}
