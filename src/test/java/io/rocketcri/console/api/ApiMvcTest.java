package io.rocketcri.console.api;

import io.rocketcri.container.ContainerEvent;
import io.rocketcri.container.ContainerMounts;
import io.rocketcri.container.ContainerService;
import io.rocketcri.events.EventBus;
import io.rocketcri.image.ImagePruner;
import io.rocketcri.image.ImageService;
import io.rocketcri.logs.ContainerLogs;
import io.rocketcri.node.NodeStatusService;
import io.rocketcri.pod.PodSandboxService;
import io.rocketcri.stats.ContainerStatsService;
import io.rocketcri.stats.PodStatsService;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The API's controllers, advice and fallback resolver over mocked capabilities. Security is off
 * here (the real filter chains are exercised by ConsoleSecurityTest and RestApiHostTest): these
 * tests are about mapping, filters and problems.
 */
@WebMvcTest(controllers = { PodsController.class, ContainersController.class, ContainerLogsController.class,
		ImagesController.class, StatsController.class, EventsController.class, RuntimeController.class })
@AutoConfigureMockMvc(addFilters = false)
@Import({ ApiFallbackProblems.class, ApiMvcTest.Events.class })
abstract class ApiMvcTest {

	@Autowired
	MockMvc mvc;

	@Autowired
	EventBus<ContainerEvent> events;

	@MockitoBean
	PodSandboxService pods;

	@MockitoBean
	ContainerService containers;

	@MockitoBean
	ImageService images;

	@MockitoBean
	ImagePruner pruner;

	@MockitoBean
	ContainerLogs logs;

	@MockitoBean
	ContainerStatsService containerStats;

	@MockitoBean
	PodStatsService podStats;

	@MockitoBean
	NodeStatusService node;

	@MockitoBean
	ContainerMounts mounts;

	@TestConfiguration(proxyBeanMethods = false)
	static class Events {

		@Bean
		EventBus<ContainerEvent> containerEvents() {
			return new EventBus<>(16, 5);
		}

	}

}
