package io.rocketcri.console.api;

import java.net.URI;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The REST API's OpenAPI document, and the way to its Swagger UI (static, from frontend/). The
 * document is a file that changes with the code and is checked against it by a test
 * (OpenApiDocumentTest generates it with springdoc from these controllers), so the runtime carries
 * no OpenAPI library: springdoc at run time cost every node some 1,100 loaded classes, about
 * 7 MiB of resident memory.
 */
@Controller
class OpenApiDocumentController {

	/** On the class path; OpenApiDocumentTest rewrites it under src/main/resources. */
	static final String DOCUMENT = "openapi/rocket-cri-api.json";

	private final Resource document = new ClassPathResource(DOCUMENT);

	@GetMapping("/v3/api-docs")
	ResponseEntity<Resource> document() {
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(this.document);
	}

	/** The address springdoc used to serve the UI at, kept for bookmarks and docs. */
	@GetMapping("/swagger-ui.html")
	ResponseEntity<Void> swaggerUi() {
		return ResponseEntity.status(302).location(URI.create("/swagger-ui/index.html")).build();
	}

}
